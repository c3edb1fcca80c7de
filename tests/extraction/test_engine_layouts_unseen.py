"""What the synthetic invoices (benchmarks/synthetic_invoices.py) taught the layout reader.

Each case is a page shape nobody tuned for before: a big title beside the seller's name, VAT rows
without a base, thousands grouped by spaces in a line table, month names in more languages, a
return-address line above the buyer. Pages are built word by word, with real geometry.
"""

from __future__ import annotations

from extraction.engine.fields import extract_fields
from extraction.engine.layout import Doc
from extraction.engine.parsing import find_dates
from extraction.engine.parties import clean_name


def _page(rows: list[tuple[str, float, float]], *, size: float = 10.0) -> Doc:
    """rows: (text, x, top); words 0.55 em per character; a run of 3 spaces leaves a column gap."""
    words = []
    for text, x, top in rows:
        for token in text.split(" "):
            if token:
                words.append((token, x, top, x + 0.55 * size * len(token), top + size * 1.15))
                x += 0.55 * size * len(token) + 0.3 * size
            else:
                x += 0.6 * size
    doc = Doc()
    doc.add_page(1, 595.0, 842.0, words)
    return doc


def test_a_large_title_beside_the_name_does_not_pull_the_address_into_it():
    doc = Doc()
    name = [("Bird", 51.0, 52.4, 72.0, 61.4), ("Ltd", 76.2, 52.4, 92.0, 61.4)]
    title = [("INVOICE", 360.0, 54.5, 460.0, 74.5)]  # 20 pt, starts a little lower
    street = [
        ("4", 51.0, 62.9, 56.0, 71.9),
        ("Allen", 59.6, 62.9, 82.0, 71.9),
        ("Camp", 85.9, 62.9, 108.0, 71.9),
    ]
    doc.add_page(1, 595.0, 842.0, name + title + street)
    texts = [ln.text for ln in doc.lines]
    assert texts[0].startswith("Bird Ltd")
    assert "4 Allen Camp" in texts
    assert not any("Allen" in t and "Bird" in t for t in texts)


def test_vat_rows_with_a_rate_and_no_base_make_the_breakdown_and_its_sum():
    doc = _page(
        [
            ("Harbour Supplies Ltd", 50, 40),
            ("Invoice No.: 4711", 350, 60),
            ("Description   Qty   Unit price   Net", 50, 200),
            ("Design work   1   160.00   160.00", 50, 215),
            ("Balloons   400   0.84   336.00", 50, 230),
            ("Net total   496.00", 350, 260),
            ("VAT 7 %   11.20", 350, 275),
            ("VAT 19 %   63.84", 350, 290),
            ("Total   € 571.04", 350, 305),
        ]
    )
    fields, _conf, _prov = extract_fields(doc)
    assert fields["tax_total"] == "75.04"
    assert (fields["subtotal"], fields["total"]) == ("496.00", "571.04")
    assert {(t["rate"], t["amount"]) for t in fields["tax_lines"]} == {("7.00", "11.20"), ("19.00", "63.84")}


def test_space_grouped_thousands_in_a_line_table_are_one_amount():
    doc = _page(
        [
            ("Virta Oy", 50, 40),
            ("Laskun numero: 2026-15", 350, 60),
            ("Kuvaus   Määrä   A-hinta   ALV %   Yhteensä", 50, 200),
            ("Asennustyö   10   4 500,00   24 %   45 000,00", 50, 215),
            ("Veroton summa   45 000,00", 330, 245),
            ("ALV 24 %   10 800,00", 330, 260),
            ("Yhteensä   55 800,00", 330, 275),
        ]
    )
    fields, _conf, _prov = extract_fields(doc)
    assert [(it["quantity"], it["unit_price"], it["total"]) for it in fields["lines"]] == [
        ("10.00", "4500.00", "45000.00")
    ]
    # "Määrä" (Finnish: quantity) is not read as a rate column: no 10 % VAT row from the line.
    assert fields["tax_lines"] == [{"rate": "24.00", "base": "45000.00", "amount": "10800.00"}]


def test_month_names_of_more_languages():
    for text, iso in [
        ("6 de abril de 2016", "2016-04-06"),
        ("6 ottobre 2013", "2013-10-06"),
        ("31. lokakuuta 2026", "2026-10-31"),
        ("6 października 2026", "2026-10-06"),
        ("3 maj 2021", "2021-05-03"),
    ]:
        found = find_dates(text, "DMY")
        assert found and found[0][2].isoformat() == iso, text


def test_return_address_line_names_the_seller_and_the_block_below_the_buyer():
    doc = _page(
        [
            ("Nordvik Bygg AB · Storgatan 3 · 11122 Stockholm", 50, 60),
            ("Kallio Handelsbolag", 50, 90),
            ("Parkvägen 8", 50, 102),
            ("41101 Göteborg", 50, 114),
            ("Momsreg.nr: SE556677889901", 50, 126),
            ("FAKTURA", 380, 60),
            ("Fakturanummer   Fakturadatum", 350, 160),
            ("K-2040   2024-05-02", 350, 172),
        ]
    )
    fields, _conf, _prov = extract_fields(doc)
    assert fields["supplier_name"] == "Nordvik Bygg AB"
    assert fields["buyer_name"] == "Kallio Handelsbolag"
    # The VAT number in the recipient's block is the buyer's, never the seller's.
    assert fields["supplier_vat_no"] != "SE556677889901"


def test_a_recipient_block_interleaved_with_the_senders_contact_column_is_still_one_block():
    # The seller's phone, fax and web lines (right column) sit between the recipient's lines, so the
    # recipient's own lines are two line-heights apart; the block still runs down to its town.
    doc = _page(
        [
            ("Hallo Werbung GmbH", 400, 60),
            ("Hallo Werbung GmbH · Ring 4 · 12345 Neustadt", 80, 92),
            ("Anna Berger", 50, 108),
            ("fon (0555) 12 34", 400, 108),
            ("fax (0555) 12 35", 400, 120),
            ("Lindenweg 42", 50, 132),
            ("info@hallo-werbung.example", 400, 144),
            ("web hallo-werbung.example", 400, 156),
            ("88802 Spielkreis", 50, 168),
            ("Rechnung Nr. RE-2024/77 vom 02.05.2024", 50, 230),
        ]
    )
    fields, _conf, _prov = extract_fields(doc)
    assert fields["buyer_name"] == "Anna Berger"


def test_a_party_heading_is_not_a_name():
    doc = _page(
        [
            ("Factuur", 50, 40),
            ("Factuurnr: 2024-9", 350, 60),
            ("Factuuradres", 50, 120),
            ("Van Dijk Installaties BV", 50, 132),
            ("Laan 5", 50, 144),
            ("1011 AB Amsterdam", 50, 156),
        ]
    )
    fields, _conf, _prov = extract_fields(doc)
    assert fields["buyer_name"] == "Van Dijk Installaties BV"
    assert fields["supplier_name"] not in ("Factuuradres", "Factuurnr", "Factuur")


def _columns(top: float, *cells: str) -> list[tuple[str, float, float]]:
    """One table row: cells set in columns at fixed x, as a table prints them."""
    return [(text, x, top) for text, x in zip(cells, (50, 220, 320, 450), strict=False)]


def test_price_before_quantity_is_not_read_as_quantity_before_price():
    # 300,00 x 2 and 2 x 300,00 both make 600,00; the price header decides which is which, and the
    # quantity glued to its unit ("2Stk") under a glued header ("MengeEinheit") is still the quantity.
    doc = _page(
        [
            ("Muster Systemhaus AG", 50, 40),
            ("Rechnung Nr. 99877", 350, 60),
            *_columns(200, "Beschreibung", "Nettopreis", "MengeEinheit", "Nettobetrag"),
            *_columns(215, "Laserdrucker", "300,00", "2Stk", "600,00"),
            *_columns(230, "Toner", "120,00", "3Stk", "360,00"),
            ("Nettobetrag   960,00", 330, 260),
        ]
    )
    fields, _conf, _prov = extract_fields(doc)
    assert [(it["quantity"], it["unit_price"], it["total"]) for it in fields["lines"]] == [
        ("2.00", "300.00", "600.00"),
        ("3.00", "120.00", "360.00"),
    ]


def test_without_a_price_header_the_quantity_is_the_number_printed_without_cents():
    doc = _page(
        [
            ("Acme Supplies Ltd", 50, 40),
            ("Invoice No. 4411", 350, 60),
            *_columns(200, "Item", "Each", "Units", "Amount"),
            *_columns(215, "Copy paper", "12.50", "4", "50.00"),
            ("Subtotal   50.00", 330, 245),
        ]
    )
    fields, _conf, _prov = extract_fields(doc)
    assert [(it["quantity"], it["unit_price"]) for it in fields["lines"]] == [("4.00", "12.50")]


def test_a_label_is_found_in_its_own_cell_after_a_title_that_almost_reads_as_one():
    # "Faktura   Numer" across the column gap is no label; "Numer faktury" in the next cell is.
    doc = _page([("Faktura   Numer faktury   FA-2017-0010", 50, 40), ("Razem brutto   1 785,00", 350, 300)])
    fields, _conf, _prov = extract_fields(doc)
    assert fields["invoice_number"] == "FA-2017-0010"


def test_the_grand_totals_integer_part_is_no_invoice_number():
    doc = _page(
        [
            ("Brenna SPA", 50, 40),
            ("FATTURA", 50, 60),
            ("N. documento   471102", 350, 40),
            ("Totale fattura   235,62 €", 350, 300),
        ]
    )
    fields, _conf, _prov = extract_fields(doc)
    assert fields["invoice_number"] == "471102"
    doc = _page([("Brenna SPA", 50, 40), ("Totale fattura   235,62 €", 350, 300)])
    fields, _conf, _prov = extract_fields(doc)
    assert fields["invoice_number"] != "235"


def test_a_registration_number_wrapped_onto_the_next_line():
    doc = _page(
        [
            ("Williams Ltd", 50, 40),
            ("Invoice No.:   4711", 350, 40),
            ("VAT ID: GB400530671 · Registered in England No.:", 50, 700),
            ("39794011", 50, 712),
        ]
    )
    fields, _conf, _prov = extract_fields(doc)
    assert fields["supplier_reg_no"] == "39794011"


def test_due_date_labels_of_estonian_finnish_and_polish():
    for label, number in [
        ("Tasuda hiljemalt", "Arve nr"),
        ("Erääntyy", "Laskun nro"),
        ("Zapłata do", "Faktura nr"),
    ]:
        doc = _page(
            [
                ("Acme OÜ", 50, 40),
                (f"{number}   2024-77", 350, 40),
                ("Data   01.03.2024", 350, 55),
                (f"{label}   15.03.2024", 350, 70),
            ]
        )
        fields, _conf, _prov = extract_fields(doc)
        assert fields["due_date"] == "2024-03-15", label


def test_a_field_label_beside_the_seller_heading_is_not_the_sellers_name():
    doc = _page(
        [
            ("Faktura   Numer faktury   FA-2017-0010", 50, 40),
            ("Sprzedawca   Zapłata do   2017-12-13", 50, 55),
            ("Wiesiołek-Tryka Sp.k.", 50, 67),
            ("plac Plater 61", 50, 79),
        ]
    )
    fields, _conf, _prov = extract_fields(doc)
    assert fields["supplier_name"] == "Wiesiołek-Tryka Sp.k."


def test_dutch_van_alone_heads_the_seller_and_a_name_starting_with_van_is_a_name():
    doc = _page(
        [
            ("FACTUUR", 50, 40),
            ("Factuurnummer   112233", 350, 40),
            ("Van", 50, 60),
            ("Stichting van Straaten", 50, 72),
            ("Hamzaboulevard 82", 50, 84),
            ("Factuuradres", 50, 120),
            ("van Wickerode & van Santen", 50, 132),
            ("Keanostraat 797", 50, 144),
        ]
    )
    fields, _conf, _prov = extract_fields(doc)
    assert fields["supplier_name"] == "Stichting van Straaten"
    assert fields["buyer_name"] == "van Wickerode & van Santen"


def test_a_polish_recipient_block_under_the_return_address_line_is_the_buyer():
    doc = _page(
        [
            ("Powązka s.c. · plac Maczka 45 · 80-646 Biłgoraj", 50, 60),
            ("Gubernat s.c.", 50, 90),
            ("ulica Fredry 10/26", 50, 102),
            ("23-333 Lublin", 50, 114),
            ("FAKTURA", 380, 60),
            ("Faktura nr   1234567", 350, 160),
        ]
    )
    fields, _conf, _prov = extract_fields(doc)
    assert fields["supplier_name"] == "Powązka s.c."
    assert fields["buyer_name"] == "Gubernat s.c."


def test_labels_in_a_header_row_read_the_value_under_their_own_column():
    # "date   Due" across the gap between "Invoice date" and "Due date" is no "date due" label.
    doc = _page(
        [
            ("Akhtar-Smith", 50, 40),
            ("Invoice No.", 50, 130),
            ("Invoice date", 150, 130),
            ("Due date", 250, 130),
            ("18383", 50, 142),
            ("27 November 2020", 150, 142),
            ("27 December 2020", 250, 142),
        ]
    )
    fields, _conf, _prov = extract_fields(doc)
    assert (fields["issue_date"], fields["due_date"]) == ("2020-11-27", "2020-12-27")


def test_netto_a_pagare_is_what_is_left_to_pay_not_the_net():
    doc = _page(
        [
            ("Brenna SPA", 50, 40),
            ("Fattura n.   2020-11", 350, 40),
            ("Totale imponibile   496,00", 330, 300),
            ("IVA   75,04", 330, 315),
            ("Netto a pagare   571,04 €", 330, 330),
        ]
    )
    fields, _conf, _prov = extract_fields(doc)
    assert (fields["subtotal"], fields["tax_total"], fields["total"]) == ("496.00", "75.04", "571.04")


def test_line_tables_under_finnish_compound_and_abbreviated_polish_headers():
    def cols(top: float, *texts: str) -> list[tuple[str, float, float]]:
        return [(t, x, top) for t, x in zip(texts, (50, 220, 300, 420), strict=False)]

    for header in (
        ("Tuote", "Kpl", "Yksikköhinta", "Yhteensä"),
        ("Nazwa towaru", "Il.", "Cena netto", "Wartość"),
    ):
        doc = _page(
            [
                ("Niemi Oyj", 50, 40),
                ("Laskun nro   47110818", 350, 40),
                *cols(200, *header),
                *cols(215, "Stahlcoil", "10", "100,00", "1 000,00"),
                *cols(230, "Stoßfänger", "4", "25,00", "100,00"),
                ("Veroton summa   1 100,00", 330, 270),
            ]
        )
        fields, _conf, _prov = extract_fields(doc)
        assert [(it["quantity"], it["unit_price"], it["total"]) for it in fields["lines"] or []] == [
            ("10.00", "100.00", "1000.00"),
            ("4.00", "25.00", "100.00"),
        ], header


def test_negative_totals_are_a_correction_on_an_invoice_and_positive_on_a_credit_note():
    rows = [
        ("Dahl AB", 50, 40),
        ("Fakturanr   RE-505", 350, 40),
        ("Nettobelopp   -1 325,00", 330, 300),
        ("Moms 25 %   -331,25", 330, 315),
        ("Att betala   -1 656,25", 330, 330),
    ]
    fields, _conf, _prov = extract_fields(_page([*rows, ("FAKTURA", 350, 20)]))
    assert (fields["subtotal"], fields["tax_total"], fields["total"]) == ("-1325.00", "-331.25", "-1656.25")
    fields, _conf, _prov = extract_fields(_page([*rows, ("KREDITFAKTURA", 350, 20)]))
    assert (fields["subtotal"], fields["tax_total"], fields["total"]) == ("1325.00", "331.25", "1656.25")


def test_base_imponible_and_vahesumma_are_the_net():
    for net_label, tax_label, gross_label in (
        ("Base imponible", "IVA", "TOTAL"),
        ("Vahesumma", "Käibemaks", "Kokku"),
    ):
        doc = _page(
            [
                ("Talleres Jove S.L.", 50, 40),
                ("Factura nº   1234567", 350, 40),
                (f"{net_label}   496,00", 330, 300),
                (f"{tax_label} 7 %   11,20", 330, 315),
                (f"{tax_label} 19 %   63,84", 330, 330),
                (f"{gross_label}   571,04 €", 330, 345),
            ]
        )
        fields, _conf, _prov = extract_fields(doc)
        assert (fields["subtotal"], fields["tax_total"], fields["total"]) == ("496.00", "75.04", "571.04"), (
            net_label
        )


def test_an_ocr_eight_for_the_ampersand_of_gmbh_and_co_kg_is_repaired():
    assert clean_name("Metallbau Leipzig GmbH 8. Co. KG") == "Metallbau Leipzig GmbH & Co. KG"
    assert clean_name("Haus 8 Co KG") == "Haus 8 Co KG"  # no legal form before it: left as printed


def test_party_headings_read_by_ocr_without_their_umlauts_still_head_the_blocks():
    doc = _page(
        [
            ("Handelsrechnung Nr. 471102 vom 05.06.2018", 50, 40),
            ("Verkaufer:", 50, 80),
            ("Lieferant GmbH", 50, 92),
            ("DE 80333 Munchen", 50, 104),
            ("Kaufer/Leistungsempfanger:", 50, 140),
            ("Nummer   : GE2020211", 50, 152),
            ("Kunden AG Mitte", 50, 164),
            ("DE 69876 Frankfurt", 50, 176),
        ]
    )
    fields, _conf, _prov = extract_fields(doc)
    assert (fields["supplier_name"], fields["buyer_name"]) == ("Lieferant GmbH", "Kunden AG Mitte")
