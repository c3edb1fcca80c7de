"""Issue 15, finding 10: a 331-byte PDF with a 200 × 14,400 pt page made a 1,000 × 72,000 px preview."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from documents.previews import PREVIEW_MAX_HEIGHT, PREVIEW_MAX_PIXELS, PREVIEW_WIDTH, render_pages


def _pdf(width: float, height: float) -> bytes:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    pdf.new_page(width, height)
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("size", [(200, 14_400), (14_400, 200), (14_400, 14_400), (595, 842)])
def test_pdf_previews_are_capped(size):
    ((png, width, height),) = render_pages(_pdf(*size), content_type="application/pdf")
    assert width <= PREVIEW_WIDTH and height <= PREVIEW_MAX_HEIGHT and width * height <= PREVIEW_MAX_PIXELS
    assert Image.open(io.BytesIO(png)).size == (width, height)
    if size == (595, 842):
        assert width == PREVIEW_WIDTH  # an ordinary A4 page still gets the full preview width


def test_image_previews_are_capped():
    buffer = io.BytesIO()
    Image.new("RGB", (100, 20_000), "white").save(buffer, format="PNG")
    ((_png, width, height),) = render_pages(buffer.getvalue(), content_type="image/png")
    assert height <= PREVIEW_MAX_HEIGHT and width * height <= PREVIEW_MAX_PIXELS
