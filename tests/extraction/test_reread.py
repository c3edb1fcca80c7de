"""Receipt amounts and dates read a second time by the PP-OCR recogniser (extraction/engine/reread.py).

The pages here are drawn, and their words given as Tesseract would give them, with the misreads
Tesseract makes on till print (a dropped decimal point, 7 read as 1); the recogniser reads the pixels.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw, ImageFont

from extraction.engine import extract, pipeline, reread
from extraction.engine.layout import Doc

pytestmark = pytest.mark.skipif(not reread.available(), reason="rapidocr-onnxruntime is not installed")


def _page(rows: list[list[tuple[str, str]]]) -> tuple[Image.Image, Doc]:
    """Draw rows of (printed, as_read) words; the doc holds the as_read texts at the printed boxes."""
    font = ImageFont.load_default(size=30)
    img = Image.new("RGB", (720, 70 * len(rows) + 40), "white")
    draw = ImageDraw.Draw(img)
    words, keys = [], []
    for n, row in enumerate(rows):
        x, y = 30, 30 + 70 * n
        for printed, as_read in row:
            draw.text((x, y), printed, fill="black", font=font)
            x0, top, x1, bottom = draw.textbbox((x, y), printed, font=font)
            words.append((as_read, float(x0), float(top), float(x1), float(bottom)))
            keys.append(n)
            x = x1 + 22
    doc = Doc()
    doc.add_page(1, float(img.size[0]), float(img.size[1]), words, line_keys=keys)
    return img, doc


def test_a_total_whose_decimal_point_was_lost_is_read_again_from_the_pixels():
    img, doc = _page(
        [[("TOTAL", "TOTAL"), ("RM", "RM"), ("12.50", "1250")], [("THANK", "THANK"), ("YOU", "YOU")]]
    )

    again = reread.reread_digits(img, doc)

    assert again is not None
    assert again.lines[0].text.startswith("TOTAL RM")
    assert again.lines[0].text.replace(" ", "").endswith("12.50")
    assert again.lines[1].text == "THANK YOU"  # no digits: Tesseract's words stay


def test_only_lines_that_decide_a_field_are_read_again():
    # The item line has no till role, so its misread 7 stays; the cash line's misread 20.00 is fixed.
    img, doc = _page([[("APPLES", "APPLES"), ("7", "1")], [("CASH", "CASH"), ("20.00", "28.00")]])

    again = reread.reread_digits(img, doc)

    assert again is not None
    assert again.lines[0].text == "APPLES 1"
    assert again.lines[1].text.replace(" ", "") == "CASH20.00"


def test_a_dated_line_is_read_again_whole():
    img, doc = _page([[("Date:", "Date:"), ("24/01/2018", "24/81/2018")]])

    again = reread.reread_digits(img, doc)

    assert again is not None
    assert "24/01/2018" in again.lines[0].text.replace(" ", "")


def test_without_the_recogniser_the_page_keeps_tesseracts_reading(monkeypatch):
    img, doc = _page([[("TOTAL", "TOTAL"), ("12.50", "1250")]])
    monkeypatch.setattr(reread, "_recognizer", lambda: None)

    assert reread.reread_digits(img, doc) is None


def test_each_field_keeps_the_more_confident_reading():
    fields = {"total": "1250.00", "issue_date": "2018-01-24", "supplier_name": "SHOP"}
    conf = {"total": 0.5, "issue_date": 0.85, "supplier_name": 0.85}
    prov = {"total": {"evidence": "total/largest"}, "issue_date": {"evidence": "issue_date/labelled"}}
    other = (
        {"total": "12.50", "issue_date": "2018-01-21", "supplier_name": None, "buyer_name": "ACME"},
        {"total": 0.85, "issue_date": 0.65, "buyer_name": 0.5},
        {"total": {"evidence": "total/arithmetic"}, "issue_date": {"evidence": "issue_date/unambiguous"}},
    )

    pipeline._merge_reading(fields, conf, prov, other, gaps_only=False)

    # A field only the re-read page found is taken; one it did not find keeps Tesseract's value.
    assert fields == {
        "total": "12.50",
        "issue_date": "2018-01-24",
        "supplier_name": "SHOP",
        "buyer_name": "ACME",
    }
    assert conf["total"] == 0.85 and prov["total"]["evidence"] == "total/arithmetic"
    assert prov["issue_date"]["evidence"] == "issue_date/labelled"


def test_a_second_chance_reading_only_fills_the_gaps():
    fields = {"total": "1250.00", "issue_date": None}
    conf = {"total": 0.5}
    prov = {"total": {"evidence": "total/largest"}}
    other = (
        {"total": "12.50", "issue_date": "2018-01-21"},
        {"total": 0.85, "issue_date": 0.65},
        {"total": {"evidence": "total/arithmetic"}, "issue_date": {"evidence": "issue_date/unambiguous"}},
    )

    pipeline._merge_reading(fields, conf, prov, other, gaps_only=True)

    # The more confident total of the binarised pass does not replace the first reading's.
    assert fields == {"total": "1250.00", "issue_date": "2018-01-21"}
    assert conf == {"total": 0.5, "issue_date": 0.65}
    assert prov["total"]["evidence"] == "total/largest"
    assert prov["issue_date"]["evidence"] == "issue_date/unambiguous"


def test_a_photographed_receipt_is_read_through_the_recogniser(monkeypatch):
    img, _doc = _page(
        [
            [("KEDAI", "KEDAI"), ("MAJU", "MAJU"), ("SDN", "SDN"), ("BHD", "BHD")],
            [("Date:", "Date:"), ("24/01/2018", "24/01/2018")],
            [("TOTAL", "TOTAL"), ("RM", "RM"), ("12.50", "12.50")],
            [("CASH", "CASH"), ("20.00", "20.00")],
            [("CHANGE", "CHANGE"), ("7.50", "7.50")],
        ]
    )
    seen = []
    real = pipeline.reread_digits

    def spy(image, doc):
        seen.append(doc.text())
        return real(image, doc)

    monkeypatch.setattr(pipeline, "reread_digits", spy)
    buf = io.BytesIO()
    img.save(buf, format="PNG")

    result = extract(buf.getvalue(), filename="receipt.png")

    assert seen and "TOTAL" in seen[0]
    assert result.source == "ocr"
    assert str(result.fields["total"]) == "12.50"
    assert str(result.fields["issue_date"]) == "2018-01-24"


def test_a_shop_name_with_a_month_inside_it_is_not_a_date_line():
    assert not reread._is_date_line("99 SPEED MART S/B (519537-X)")
    assert not reread._is_date_line("DECATHLON MALAYSIA SDN BHD")
    assert reread._is_date_line("15 Jun 18 08:34:31 PM")
    assert reread._is_date_line("Date: 24/81/2018")  # misread, still where the date is
