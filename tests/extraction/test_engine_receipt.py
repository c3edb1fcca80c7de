"""Receipt field choice: currency evidence, the till's arithmetic, and real receipts through Tesseract."""

from __future__ import annotations

import pytest

from extraction.engine import extract
from extraction.engine.layout import Doc
from extraction.engine.receipt import (
    choose_total,
    line_kind,
    looks_like_receipt,
    prints_shop_name,
    read_receipt,
)
from extraction.engine.receipt_currency import currency_evidence


def _receipt(rows: list[str], width: float = 300.0) -> Doc:
    """A narrow one-page Doc, one row every 20 points; three spaces separate columns."""
    doc = Doc()
    words = []
    for i, row in enumerate(rows):
        x = 10.0
        for col in row.split("   "):
            for w in col.split(" "):
                words.append((w, x, 20.0 + 20 * i, x + 6 * len(w), 30.0 + 20 * i))
                x += 6 * len(w) + 4
            x += 40
    doc.add_page(1, width, 20.0 * len(rows) + 60, words)
    return doc


# ------------------------------------------------------------------ currency evidence
@pytest.mark.parametrize(
    ("text", "code", "evidence"),
    [
        ("TOTAL   RM 12.50\nCASH   RM 20.00", "MYR", "symbol"),
        ("Summe   EUR154,40", "EUR", "code"),
        ("Total   € 3,20", "EUR", "symbol"),
        ("Amount due   £4.99", "GBP", "symbol"),
        ("KEDAI ABC SDN BHD\nTOTAL 8.00", "MYR", "country"),
        ("GST ID : 001234567890\nTOTAL 8.00", "MYR", "country"),
        ("12 Orchard Road, Singapore\nTOTAL 8.00", "SGD", "country"),
    ],
)
def test_currency_from_evidence(text, code, evidence):
    found = currency_evidence(text)
    assert found is not None and (found.code, found.evidence) == (code, evidence)


def test_no_currency_without_evidence():
    # A lone "$" says nothing about which dollar; plain amounts say nothing at all.
    assert currency_evidence("TOTAL   $12.50\nCASH   $20.00") is None
    assert currency_evidence("TOTAL   12.50") is None


def test_stray_pound_sign_does_not_outweigh_ringgit():
    # OCR reads a logo speck as "£" once; the receipt prints RM beside its amounts.
    found = currency_evidence("£8318\nTOTAL   RM 80.90\nCASH   RM 100.00\nCHANGE   RM 19.10")
    assert found.code == "MYR"


def test_conflicting_symbols_of_equal_weight_give_no_confident_answer():
    found = currency_evidence("Total   € 10,00\nTotal   £ 8.50")
    assert found is None or found.evidence == "weak"


def test_receipt_currency_is_dropped_without_evidence_and_us_dates_read_month_first():
    doc = _receipt(["CORNER DELI", "12/05/2024 10:31", "TOTAL   $9.80", "CASH   $10.00", "CHANGE   $0.20"])
    fields, conf, _prov = read_receipt(doc)
    assert fields["currency"] is None and "currency" not in conf
    assert fields["total"] == "9.80"


def test_a_labelled_date_whose_slashes_were_read_as_ones_is_repaired_but_not_trusted():
    rows = ["HARDWARE MART", "Bill No   POS/27408", "Date   27106118 5:02:32 PM", "TOTAL   136.00"]
    fields, conf, prov = read_receipt(_receipt(rows))
    assert fields["issue_date"] == "2018-06-27"
    assert prov["issue_date"]["evidence"] == "issue_date/repaired"
    assert conf["issue_date"] < 0.9
    # A date that reads as printed wins; an unlabelled eight-digit number is no date.
    fields, _conf, _prov = read_receipt(_receipt([*rows[:2], "Date   27/06/18", "TOTAL   136.00"]))
    assert fields["issue_date"] == "2018-06-27"
    fields, _conf, _prov = read_receipt(_receipt(["HARDWARE MART", "Ref   27106118", "TOTAL   136.00"]))
    assert fields["issue_date"] is None


def test_a_subtotal_is_the_total_when_no_total_line_was_read_and_nothing_larger_follows():
    items = ["CAFE NOOK SDN BHD", "1 Chocolate Pie   12.50 SR", "1 Iced Tea   20.90 SR", "1 Bun   10.50 SR"]
    doc = _receipt([*items, "SUBTOTAL   43.90", "CASH CHANGE   56.10", "THANK YOU"])
    fields, _conf, _prov = read_receipt(doc)
    assert fields["total"] == "43.90"
    # The total line lost to OCR ("T0TAI") still shows as the larger amount under the subtotal.
    doc = _receipt([*items, "SUBTOTAL   41.42", "GST   2.48", "T0TAI   43.90"])
    fields, _conf, _prov = read_receipt(doc)
    assert fields["total"] == "43.90"


# ------------------------------------------------------------------ total arithmetic
def test_line_roles():
    assert line_kind("SUB-TOTAL (EX)   4.60") == "subtotal"
    assert line_kind("Total Sales (Inclusive of GST) :   63.60") == "final"
    assert line_kind("Amount Incl. GST   5.00") == "final"  # the abbreviation's full stop
    assert line_kind("Total Qty   2   4.60") == "skip"
    assert line_kind("ROUNDING   0.02") == "rounding"
    assert line_kind("CHANGE   0.00") == "change"
    assert line_kind("Cashier : USER") is None


def test_rounded_total_confirmed_by_subtotal_tax_and_rounding():
    doc = _receipt(
        [
            "SHOP",
            "ITEM A   1   4.60",
            "SUB-TOTAL   4.60",
            "TAX 6%   0.28",
            "TOTAL INCL TAX   4.88",
            "ROUNDING   0.02",
            "TOTAL   4.90",
            "CASH   10.00",
            "CHANGE   5.10",
        ]
    )
    total, _parts = choose_total(doc.lines, {})
    assert total.value == "4.90" and total.evidence == "total/confirmed"  # the sums and the rounding agree


def test_cash_minus_change_beats_a_misread_total():
    # "72.75" is read as "872.74" on the total line; cash - change and the rounded line agree.
    doc = _receipt(
        [
            "SHOP",
            "ITEM   72.74",
            "TOTAL INCLUSIVE GST   872.74",
            "ROUNDED   72.75",
            "CASH   100.00",
            "CHANGE   27.25",
        ]
    )
    total, _parts = choose_total(doc.lines, {})
    assert (
        total.value == "72.75" and total.evidence == "total/confirmed"
    )  # cash - change and the rounded line


def test_tax_summary_totals_are_not_the_amount_paid():
    doc = _receipt(
        [
            "SHOP",
            "SUB-TOTAL   74.04",
            "GST   4.04",
            "TOTAL   78.10",
            "CARD   78.10",
            "GST SUMMARY",
            "TAX TOTAL:   4.04",
            "TOTAL:   74.04   4.04",
        ]
    )
    total, _parts = choose_total(doc.lines, {})
    assert total.value == "78.10"


def test_cash_and_change_lines_are_never_the_total():
    doc = _receipt(["SHOP", "TOTAL   12.00", "CASH   50.00", "CHANGE   38.00"])
    fields, conf, prov = read_receipt(doc)
    assert fields["total"] == "12.00" and prov["total"]["evidence"] == "total/arithmetic"
    assert conf["total"] < 0.9  # one confirmation is not enough to be shown as sure


def test_total_confirmed_twice_is_shown_as_sure():
    doc = _receipt(
        ["SHOP", "SUBTOTAL   11.32", "TAX   0.68", "TOTAL   12.00", "CASH   50.00", "CHANGE   38.00"]
    )
    fields, conf, prov = read_receipt(doc)
    assert (fields["total"], fields["subtotal"], fields["tax_total"]) == ("12.00", "11.32", "0.68")
    assert prov["total"]["evidence"] == "total/confirmed" and conf["total"] >= 0.9


def test_supplier_skips_headers_addresses_and_registration_numbers():
    doc = _receipt(
        [
            "TAX INVOICE",
            "KEDAI MAJU JAYA SDN BHD",
            "(123456-X)",
            "NO 12, JALAN MERANTI 3",
            "GST ID : 001234567890",
            "TOTAL   5.00",
        ]
    )
    fields, _conf, prov = read_receipt(doc)
    assert fields["supplier_name"] == "KEDAI MAJU JAYA SDN BHD"
    assert prov["supplier_name"]["evidence"] == "supplier_name/legal-form"


def test_receipt_recognised_by_till_vocabulary_not_an_a4_invoice():
    till = _receipt(["SHOP", "TOTAL   5.00", "CASH   10.00", "CHANGE   5.00"], width=2000.0)
    assert looks_like_receipt(till)
    invoice = Doc()
    invoice.add_page(
        1,
        595.0,
        842.0,
        [("Invoice", 50, 50, 90, 60), ("Total", 50, 700, 80, 710), ("9.00", 400, 700, 420, 710)],
    )
    assert not looks_like_receipt(invoice)


def test_learned_supplier_and_total_label_from_a_correction():
    doc = _receipt(["K3DAI MAJU JAYA", "12/05/2024", "AMOUNT   5.00", "NETT   4.50"])
    hints = {"supplier_name": "KEDAI MAJU JAYA", "total_label": ["NETT"]}
    fields, _conf, prov = read_receipt(doc, hints)
    assert fields["supplier_name"] == "KEDAI MAJU JAYA" and prov["supplier_name"]["evidence"].endswith(
        "learned"
    )
    assert fields["total"] == "4.50" and prov["total"]["evidence"] == "total/learned"


# ------------------------------------------------------------------ real scans through Tesseract
@pytest.mark.ocr
@pytest.mark.parametrize("name", ["sroie__006.jpg", "sroie__021.jpg", "sroie__130.jpg"])
def test_real_scanned_receipts(load_doc, scorer, name):
    data, label = load_doc(name)
    res = extract(data, filename=name, languages=("eng",))
    assert res.source == "ocr"
    # 021 prints its name only in a logo, which no OCR reads as text.
    fields = ("issue_date", "total") if name == "sroie__021.jpg" else ("supplier_name", "issue_date", "total")
    for field in fields:
        if label[field] is not None:
            assert scorer.scalar_equal(field, label[field], res.fields[field]), (field, res.fields[field])
    # A labelled total the receipt repeats or adds up to, not merely its largest figure.
    assert res.provenance["total"]["evidence"] in ("total/confirmed", "total/arithmetic")
    if name == "sroie__006.jpg":
        assert res.fields["currency"] == "MYR"  # from the 12-digit GST ID, not a default
    # Whatever the receipt gives no evidence for is not shown as confident.
    assert all(
        c < 0.9
        for k, c in res.confidence.items()
        if k not in ("total", "issue_date", "subtotal", "tax_total")
    )


def test_shop_name_found_on_a_receipt_despite_ocr_noise():
    text = "3-1708032\nKEDAI MAJU JAYA\nS0N BHD\n(123456-X)\nNO 12, JALAN MERANTI 3\nTOTAL 5.00"
    assert prints_shop_name(text, "KEDAI MAJU JAYA SDN BHD")  # wrapped over two lines, "S0N" misread
    assert prints_shop_name("KEDA1 MAJU JAYA SDN BHD\nTOTAL 5.00", "Kedai Maju Jaya Sdn. Bhd.")
    assert not prints_shop_name(text, "SINAR HARDWARE TRADING")
    # A name printed only far down (an item, a footer) does not identify the shop.
    assert not prints_shop_name("SHOP\n" + "ITEM 1.00\n" * 20 + "KEDAI MAJU JAYA SDN BHD", "KEDAI MAJU JAYA")


@pytest.mark.parametrize(
    ("top", "name"),
    [
        ("KEDAI MAJU JAYA SON BHD (123456-X)", "KEDAI MAJU JAYA SDN BHD"),  # OCR's "SON" for "SDN"
        ("SINAR 99 MART 5/8", "SINAR 99 MART S/B"),
        ("SUN BAR", "SUN BAR"),  # a shop called Sun Bar is not a misread legal form
        ("CORNER GROCER (12.", "CORNER GROCER"),  # the store's number after the name
    ],
)
def test_shop_name_repairs_only_legal_forms_and_numbers(top, name):
    fields, _conf, _prov = read_receipt(_receipt([top, "NO 1, JALAN SATU", "TOTAL   5.00"]))
    assert fields["supplier_name"] == name
