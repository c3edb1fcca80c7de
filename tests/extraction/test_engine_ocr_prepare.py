"""Image preparation for OCR and receipt name rules, without running Tesseract."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from extraction.engine import extract
from extraction.engine.fields import extract_fields
from extraction.engine.layout import Doc
from extraction.engine.ocr import DECODE_PIXELS, _glyph_height, _prepare, load_image


def _text_image(width: int, height: int, size: int) -> Image.Image:
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=size)
    y = 10
    while y < height - size * 2:
        draw.text((10, y), "TOTAL RM 12.50 CASH 20.00 CHANGE", fill=0, font=font)
        y += int(size * 1.6)
    return img


def test_glyph_height_follows_the_print_size():
    small = _glyph_height(_text_image(1200, 800, 20))
    big = _glyph_height(_text_image(2400, 1600, 80))
    assert small is not None and big is not None
    assert 2.5 < big / small < 5.5


def test_big_print_is_downscaled_and_small_receipts_upscaled():
    big, scale = _prepare(_text_image(2000, 2600, 110).convert("RGB"))
    assert scale < 1.0 and big.size[0] < 2000
    narrow, scale = _prepare(_text_image(460, 900, 12).convert("RGB"))
    assert scale > 2.0 and narrow.size[0] > 1000


def _receipt(lines: list[str]) -> Doc:
    doc = Doc()
    words, keys = [], []
    for i, text in enumerate(lines):
        x = 10.0
        for w in text.split():
            words.append((w, x, 20.0 * i, x + 9 * len(w), 20.0 * i + 12))
            keys.append(i)
            x += 9 * len(w) + 9
    doc.add_page(1, 400.0, 20.0 * len(lines), words, line_keys=keys)
    return doc


def test_receipt_name_wrapped_before_its_legal_suffix():
    doc = _receipt(["POPULAR BOOK", "CO. (M) SDN BHD", "(Co. Reg. No. 1234-X)", "TOTAL 14.65"])
    fields, _conf, _prov = extract_fields(doc, receipt=True)
    assert fields["supplier_name"] == "POPULAR BOOK CO. (M) SDN BHD"
    assert fields["total"] == "14.65"


def test_textured_background_is_blanked_and_text_kept():
    import numpy as np

    from extraction.engine.ocr import _blank_texture

    text = np.asarray(_text_image(800, 400, 30).point(lambda v: 0 if v < 128 else 255), dtype=np.uint8)
    rng = np.random.default_rng(0)
    carpet = np.where(rng.random((400, 400)) < 0.08, 0, 255).astype(np.uint8)  # table-top specks
    photo = np.hstack([carpet, text])
    out = _blank_texture(photo)
    assert (out[:, :300] == 0).sum() < 0.05 * (photo[:, :300] == 0).sum()
    assert (out[:, 450:] == photo[:, 450:]).all()
    assert (_blank_texture(text) == text).all()


def test_a_very_large_jpeg_is_decoded_at_a_reduced_scale():
    buf = io.BytesIO()
    Image.new("RGB", (5000, 3600), "white").save(buf, format="JPEG")
    assert DECODE_PIXELS < 5000 * 3600
    img = load_image(buf.getvalue())
    assert img.size == (2500, 1800)

    small = io.BytesIO()
    Image.new("RGB", (1200, 2400), "white").save(small, format="JPEG")
    assert load_image(small.getvalue()).size == (1200, 2400)


def _shaded_page() -> Image.Image:
    """An A4 page at 200 dpi with little ink: a few lines of small print in light-grey table cells."""
    page = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.load_default(size=22)
    for i, text in enumerate(("IBAN: DE89 3704 0044 0532 0130 00", "Zahlbar bis: 29.11.2025")):
        top = 300 + i * 80
        draw.rectangle((150, top, 1500, top + 40), fill=232)
        draw.text((170, top + 8), text, fill=0, font=font)
    return page


def test_shaded_cells_stay_light_unless_faint_ink_is_darkened():
    page = _shaded_page()
    cell = (600, 330)  # inside the first shaded cell, right of its text

    darkened, _ = _prepare(page, darken_faint_ink=True)
    kept, _ = _prepare(page, darken_faint_ink=False)

    # With so little ink the darkest 1 % of pixels includes the shading itself.
    assert darkened.getpixel(cell) < 60
    assert kept.getpixel(cell) > 200
    assert kept.getpixel((0, 0)) == 255


def test_a_scanned_invoice_page_with_shaded_cells_is_read():
    buf = io.BytesIO()
    _shaded_page().save(buf, format="PDF", resolution=200)

    result = extract(buf.getvalue(), filename="scan.pdf")

    assert result.source == "ocr"
    assert result.fields["iban"] == "DE89370400440532013000"
