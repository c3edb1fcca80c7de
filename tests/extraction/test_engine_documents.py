"""Text-layer PDF and OCR receipt from the eval set, plus rule hints on synthetic layouts."""

import pytest

from extraction.engine import extract
from extraction.engine.fields import extract_fields
from extraction.engine.layout import Doc
from extraction.engine.learning import hints_from_correction


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


def test_correction_teaches_the_label_and_the_place_of_a_field():
    """A number under a label no lexicon knows: learnt from one document, read on the next."""
    first = ["Widget Works OÜ", "Voucher ref", "VR-1001", "Total EUR 120.00"]
    plain, _, _ = extract_fields(_doc(first))
    assert plain["invoice_number"] != "VR-1001"
    hints = hints_from_correction(_doc(first), "invoice_number", "VR-1001")
    assert hints["invoice_number_label"] == "Voucher ref"
    assert hints["invoice_number_where"][0] == 1
    second = ["Widget Works OÜ", "Voucher ref", "VR-1002", "Total EUR 80.00"]
    fields, _, prov = extract_fields(_doc(second), hints=hints)
    assert fields["invoice_number"] == "VR-1002"
    assert prov["invoice_number"]["page"] == 1
    # The place alone is enough when the label is missing on the next document.
    third = ["Widget Works OÜ", "", "VR-1003", "Total EUR 80.00"]
    only_place = {"invoice_number_where": hints["invoice_number_where"]}
    assert extract_fields(_doc(third), hints=only_place)[0]["invoice_number"] == "VR-1003"
