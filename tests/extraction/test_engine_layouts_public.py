"""What public text-layer invoices outside the eval set showed the layout reader.

invoice2data's own test PDFs (tests/compare of its 0.4.0 sdist) that the eval set does not hold were
read once as a probe; each case below is a page shape from that probe, rebuilt word by word with
made-up parties and figures: a number printed under the title with its own "#", a date written
"August 3 , 2014", a table of totals whose columns say net / VAT / gross, a whole-number total beside
its currency, a French payment deadline, and "$" with no country.
"""

from __future__ import annotations

from extraction.engine.fields import extract_fields
from extraction.engine.parsing import detect_currency, find_dates

from .test_engine_layouts_unseen import _page


def test_a_number_under_the_title_with_its_own_hash_and_no_id_from_an_email_address():
    doc = _page(
        [
            ("Corin Webb", 50, 40),
            ("cwebb7@example.org", 50, 55),
            ("INVOICE", 420, 55),
            ("# INV-2203", 424, 70),
            ("Date:   Mar 4, 2023", 380, 100),
            ("Total:   $ 90.00", 380, 300),
        ]
    )
    fields, _conf, _prov = extract_fields(doc)
    assert fields["invoice_number"] == "INV-2203"
    assert fields["issue_date"] == "2023-03-04"
    # With no number printed, the sender's e-mail address beside the title lends it none.
    doc = _page([("INVOICE   cwebb7@example.org", 50, 40), ("Total:   $ 90.00", 380, 300)])
    fields, _conf, _prov = extract_fields(doc)
    assert fields["invoice_number"] is None


def test_a_month_name_date_with_a_space_before_its_comma_and_a_billing_period_that_is_no_date():
    assert [d[2].isoformat() for d in find_dates("Invoice Date: August 3 , 2014")] == ["2014-08-03"]
    # "1 - July 31" is no 31 July 2031: the period ends on 31 July 2014.
    assert [d[2].isoformat() for d in find_dates("billing period July 1 - July 31 , 2014")] == ["2014-07-31"]
    doc = _page(
        [
            ("Northwind Cloud Inc.", 50, 40),
            ("Invoice Number:   5521907", 330, 60),
            ("Invoice Date:   August 3 , 2014", 330, 75),
            ("This invoice is for the billing period July 1 - July 31 , 2014", 50, 140),
            ("Total for this invoice   $12.40", 330, 300),
        ]
    )
    fields, _conf, _prov = extract_fields(doc)
    assert fields["issue_date"] == "2014-08-03"


def test_a_dollar_named_for_its_country_is_evidence_and_a_bare_dollar_a_guess_never_confident():
    assert detect_currency("All charges and prices are in US Dollars") == "USD"
    assert detect_currency("Total US$ 12.00") == "USD"
    assert detect_currency("Amount A$ 5.00") == "AUD"
    assert detect_currency("Total $4.11") is None
    assert detect_currency("a dollar a day") is None

    rows = [("Harbor Labs", 50, 40), ("Invoice No.: 88-12", 330, 60), ("Total   $48.00", 330, 300)]
    fields, conf, _prov = extract_fields(_page(rows))
    assert fields["currency"] == "USD"
    assert conf["currency"] < 0.9
    fields, conf, _prov = extract_fields(_page([*rows, ("Prices are in US Dollars", 50, 400)]))
    assert fields["currency"] == "USD"
    assert conf["currency"] >= 0.9


def test_a_row_of_totals_under_net_vat_gross_columns_and_a_french_payment_deadline():
    doc = _page(
        [
            ("Réseau Lumière SAS", 50, 40),
            ("Facture n°730118 du 12 Mars 2021", 50, 150),
            ("Date limite de paiement le 19 Mars 2021", 50, 165),
            ("Montant EUR HT", 250, 200),
            ("Montant TVA", 350, 200),
            ("Montant EUR TTC", 450, 200),
            *_row("Abonnement fibre", 215, "30.00", "6.00", "36.00"),
            *_row("Options", 230, "0.00", "0.00", "0.00"),
            *_row("Total facture", 245, "30.00", "6.00", "36.00"),
        ]
    )
    fields, _conf, _prov = extract_fields(doc)
    assert fields["invoice_number"] == "730118"
    assert fields["issue_date"] == "2021-03-12"
    assert fields["due_date"] == "2021-03-19"
    assert (fields["subtotal"], fields["tax_total"], fields["total"]) == ("30.00", "6.00", "36.00")


def _row(label: str, top: float, *amounts: str) -> list[tuple[str, float, float]]:
    """A table row: its label at the left margin, each amount under its column (x 270, 370, 470)."""
    return [(label, 50, top), *((a, 270 + 100 * k, top) for k, a in enumerate(amounts))]


def test_a_whole_number_total_beside_its_currency_is_money():
    doc = _page(
        [
            ("Lakeview Stays Pvt Ltd", 50, 40),
            ("Invoice No:   LV-5521", 350, 60),
            ("DESCRIPTION   RATE   AMOUNT", 50, 200),
            ("Room Charges   Rs 2450 x 1 Night   Rs 2450", 50, 215),
            ("Grand Total   Rs 2450", 50, 245),
            ("Rooms   2", 50, 280),
        ]
    )
    fields, _conf, _prov = extract_fields(doc)
    assert fields["total"] == "2450.00"
    assert fields["currency"] == "INR"


def test_the_date_of_an_associated_invoice_is_not_the_issue_date():
    doc = _page(
        [
            ("Atelier Brume SARL", 50, 40),
            ("FACTURE N° :   F-3390", 350, 40),
            ("Date :   28/02/2025", 350, 55),
            ("N° DE FACTURE ASSOCIÉE :   F-3102", 50, 200),
            ("DATE DE FACTURE ASSOCIÉE :   15/01/2025", 50, 215),
            ("Original invoice date:   15/01/2025", 50, 230),
        ]
    )
    fields, _conf, _prov = extract_fields(doc)
    assert fields["issue_date"] == "2025-02-28"


def test_the_sellers_tax_representative_and_the_buyers_identifiers_lend_no_vat_number():
    doc = _page(
        [
            ("Fournisseur :", 50, 28),
            ("Atelier Brume SARL", 50, 40),
            ("FACTURE N° :   F-3390", 350, 40),
            ("12 rue Haute, 69001 LYON", 50, 55),
            ("N° TVA intra :   FR 40 303 265 045", 50, 70),
            ("Représentant Fiscal", 50, 90),
            ("FISCAL AGENT SA", 60, 102),
            ("N° TVA Intra :   FR 83 404 833 048", 60, 114),
            ("Vos identifiants", 350, 240),
            ("N° TVA :   FR 83 404 833 048", 350, 252),
        ]
    )
    fields, _conf, _prov = extract_fields(doc)
    # Both checksums hold; the one printed twice belongs to the representative, not the seller.
    assert fields["supplier_vat_no"] == "FR40303265045"


def test_allowance_and_charge_rows_are_no_vat_rows():
    doc = _page(
        [
            ("Atelier Brume SARL", 50, 40),
            ("FACTURE N° :   F-3390", 350, 40),
            ("REMISE COMMERCIALE   5,00% sur 200,00 EUR   -10,00   20,00%", 50, 200),
            ("CHARGE : FRAIS DE PORT   4,00% sur 200,00 EUR   8,00   20,00%", 50, 215),
            ("TVA 20,00%   198,00   39,60", 300, 260),
            ("TOTAL HT   198,00", 300, 280),
            ("TOTAL TVA   39,60", 300, 295),
            ("TOTAL TTC   237,60", 300, 310),
        ]
    )
    fields, _conf, _prov = extract_fields(doc)
    assert fields["tax_lines"] == [{"rate": "20.00", "base": "198.00", "amount": "39.60"}]
    assert (fields["subtotal"], fields["tax_total"], fields["total"]) == ("198.00", "39.60", "237.60")


def test_the_buyer_after_a_to_heading_is_never_the_fallback_supplier():
    doc = _page(
        [
            ("Tax Invoice", 50, 40),
            ("Marketly", 50, 55),
            ("To:   Corvid Labs Ltd", 50, 110),
            ("Order date: 28 Jan 15", 380, 110),
            ("Invoice No. 77120", 380, 122),
            ("Invoice Total: $101.00", 50, 300),
        ]
    )
    fields, _conf, _prov = extract_fields(doc)
    assert fields["buyer_name"] == "Corvid Labs Ltd"
    assert fields["supplier_name"] != "To: Corvid Labs Ltd"


def test_the_head_of_the_totals_block_is_no_line_table():
    doc = _page(
        [
            ("Atelier Brume SARL", 50, 40),
            ("FACTURE N° :   F-3390", 350, 40),
            ("TOTAL HT", 300, 400),
            ("TOTAL TVA", 380, 400),
            ("TOTAL TTC", 460, 400),
            ("Les règlements reçus avant l'échéance ne donnent pas lieu à escompte.", 50, 415),
            ("100,00", 300, 415),
            ("4,90", 380, 415),
            ("104,90", 460, 415),
        ]
    )
    fields, _conf, _prov = extract_fields(doc)
    assert not fields["lines"]
    assert (fields["subtotal"], fields["tax_total"], fields["total"]) == ("100.00", "4.90", "104.90")
