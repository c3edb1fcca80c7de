"""Page previews: one PNG per page, rendered in the background (never in the upload request)."""

from __future__ import annotations

import io
import warnings

from django.conf import settings
from PIL import Image, ImageOps

import documents.intake.checks  # noqa: F401  (registers the HEIC opener)

PREVIEW_WIDTH = 1000
# A preview never exceeds these, whatever the page's shape: a 200 × 14,400 pt PDF page rendered at
# preview width would be 1,000 × 72,000 px (memory and disk for one tiny upload).
PREVIEW_MAX_HEIGHT = 4000
PREVIEW_MAX_PIXELS = 4_000_000
MAX_PREVIEW_PAGES = 50


def preview_scale(width: float, height: float) -> float:
    """The scale that fits a page of width × height into the preview's width, height and pixel caps."""
    width, height = max(width, 1.0), max(height, 1.0)
    scale = min(PREVIEW_WIDTH / width, PREVIEW_MAX_HEIGHT / height)
    if width * height * scale * scale > PREVIEW_MAX_PIXELS:
        scale = (PREVIEW_MAX_PIXELS / (width * height)) ** 0.5
    return scale


def render_pages(
    data: bytes, *, content_type: str, max_pages: int = MAX_PREVIEW_PAGES
) -> list[tuple[bytes, int, int]]:
    """(PNG bytes, width, height) of each page (at most `max_pages`). XML has no pages."""
    if content_type == "application/pdf":
        images = _pdf_pages(data, max_pages)
    elif content_type.startswith("image/"):
        images = _image_pages(data, max_pages)
    else:
        return []
    out = []
    for image in images:
        buf = io.BytesIO()
        image.save(buf, format="PNG", optimize=True)
        out.append((buf.getvalue(), image.width, image.height))
    return out


def first_page_image(data: bytes, *, content_type: str) -> Image.Image | None:
    """The first page (or photo) as an RGB image at preview size; None for XML and other formats."""
    if content_type == "application/pdf":
        images = _pdf_pages(data, 1)
    elif content_type.startswith("image/"):
        images = _image_pages(data, 1)
    else:
        return None
    return images[0] if images else None


def _pdf_pages(data: bytes, max_pages: int) -> list[Image.Image]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        images = []
        for index in range(min(len(pdf), max_pages)):
            page = pdf[index]
            width, height = page.get_width() or 595, page.get_height() or 842
            bitmap = page.render(scale=preview_scale(width, height))
            images.append(bitmap.to_pil().convert("RGB"))
            page.close()
        return images
    finally:
        pdf.close()


def _image_pages(data: bytes, max_pages: int) -> list[Image.Image]:
    Image.MAX_IMAGE_PIXELS = max(Image.MAX_IMAGE_PIXELS or 0, settings.ENVOICE_MAX_IMAGE_PIXELS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        source = Image.open(io.BytesIO(data))
        images = []
        for index in range(min(getattr(source, "n_frames", 1) or 1, max_pages)):
            source.seek(index)
            frame = ImageOps.exif_transpose(source.copy()).convert("RGB")
            scale = min(1.0, preview_scale(frame.width, frame.height))
            frame.thumbnail((max(1, int(frame.width * scale)), max(1, int(frame.height * scale))))
            images.append(frame)
        return images
