"""Text-layer PDF and OCR receipt from the eval set, plus rule hints on synthetic layouts."""

import pytest

from extraction.engine import extract
from extraction.engine.fields import extract_fields
from extraction.engine.layout import Doc


def test_text_pdf(load_doc, scorer):
    data, label = load_doc("i2d__coolblue1.pdf")
    res = extract(data, filename="coolblue1.pdf")
    assert res.source == "pdf_text"
    assert res.pages == 1
    for field in (
        "supplier_name",
        "invoice_number",
        "issue_date",
        "total",
        "subtotal",
        "iban",
        "supplier_vat_no",
    ):
        assert scorer.scalar_equal(field, label[field], res.fields[field]), (field, res.fields[field])
    assert scorer.match_items("lines", label["lines"], res.fields["lines"]) >= 5
    prov = res.provenance["total"]
    assert prov["page"] == 1 and len(prov["bbox"]) == 4
    assert 0 < prov["bbox"][0] < prov["bbox"][2] <= prov["page_width"]
    assert "Coolblue" in res.text


@pytest.mark.ocr
def test_ocr_receipt(load_doc, scorer):
    data, label = load_doc("sroie__106.jpg")
    res = extract(data, filename="106.jpg")
    assert res.source == "ocr"
    for field in ("supplier_name", "issue_date", "total"):
        assert scorer.scalar_equal(field, label[field], res.fields[field]), (field, res.fields[field])
    assert res.provenance["total"]["page_height"] > 0
    assert res.seconds < 20


def _doc(rows):
    """A one-page Doc from rows of text, one line every 20 points."""
    doc = Doc()
    words = []
    for i, row in enumerate(rows):
        x = 50.0
        for w in row.split(" "):
            words.append((w, x, 50.0 + 20 * i, x + 6 * len(w), 60.0 + 20 * i))
            x += 6 * len(w) + 4
    doc.add_page(1, 595.0, 842.0, words)
    return doc


ROWS = [
    "Widget Works OÜ",
    "Voucher 2024-77",
    "Ref 555",
    "Billed 03/04/2024",
    "Total EUR 120.00",
]


def test_hints_for_invoice_number_label_and_date_order():
    plain, _, _ = extract_fields(_doc(ROWS))
    assert plain["total"] == "120.00"
    hinted, conf, prov = extract_fields(
        _doc(ROWS),
        hints={"invoice_number_label": "Voucher", "date_order": "MDY", "issue_date_label": "Billed"},
    )
    assert hinted["invoice_number"] == "2024-77"
    assert hinted["issue_date"] == "2024-03-04"
    assert prov["invoice_number"]["page"] == 1
    assert conf["invoice_number"] > 0.5
    dmy, _, _ = extract_fields(_doc(ROWS), hints={"issue_date_label": ["Billed"]})
    assert dmy["issue_date"] == "2024-04-03"


def test_supplier_name_from_top_of_page():
    fields, _, _ = extract_fields(_doc(ROWS))
    assert fields["supplier_name"] == "Widget Works OÜ"
    assert fields["currency"] == "EUR"
