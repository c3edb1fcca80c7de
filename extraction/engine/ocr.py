"""Image clean-up and Tesseract OCR into positioned words."""

from __future__ import annotations

import io
import os
import time
from functools import lru_cache
from typing import Any

from .layout import Doc
from .result import ExtractionError

MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding them
DECODE_PIXELS = 16_000_000  # larger JPEGs are decoded at a reduced scale (load_image)


@lru_cache(maxsize=1)
def _installed_languages() -> frozenset[str]:
    import pytesseract

    try:
        return frozenset(pytesseract.get_languages(config=""))
    except Exception:
        return frozenset({"eng"})


def _lang_arg(languages: tuple[str, ...]) -> str:
    have = _installed_languages()
    use = [lang for lang in languages if lang in have]
    return "+".join(use) if use else "eng"


def load_image(data: bytes) -> Any:
    from PIL import Image, ImageOps

    try:
        import pillow_heif

        pillow_heif.register_heif_opener()
    except Exception:
        pass
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        img = Image.open(io.BytesIO(data))
        if img.format == "JPEG" and img.width * img.height > DECODE_PIXELS:
            # Decoded at 1/2 or 1/4 scale by the JPEG decoder itself: OCR never uses more than
            # MAX_OCR_PIXELS, and a 35-megapixel scan decoded whole held ~100 MB per copy.
            img.draft(img.mode, (img.width // 2, img.height // 2))
        img.load()
    except Image.DecompressionBombError:
        raise ExtractionError("Image is too large") from None
    except Exception:
        raise ExtractionError("Not a supported document: neither e-invoice XML, PDF nor image") from None
    try:
        img = ImageOps.exif_transpose(img)
    except Exception:
        pass
    return img


def _binarize(gray: Any) -> Any:
    """Adaptive threshold: evens out shadows and uneven lighting of hand-held photos."""
    try:
        import cv2
        import numpy as np
    except ImportError:  # pragma: no cover - opencv is a declared dependency
        return gray
    from PIL import Image

    arr = np.asarray(gray)
    arr = cv2.GaussianBlur(arr, (3, 3), 0)
    th = cv2.adaptiveThreshold(arr, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, 31, 15)
    return Image.fromarray(_blank_texture(th))


# A table top or fabric behind a photographed receipt thresholds into a carpet of specks that makes
# Tesseract crawl (seconds per pass) and read garbage. Text at Tesseract size (glyphs ~30 px) has
# almost no dot-sized blobs, so areas dense with them are background.
SPECK_AREA = 6  # pixels: smaller dark blobs are specks, not glyphs
TEXTURE_WINDOW = 64  # pixels: the neighbourhood in which specks are counted
TEXTURE_SPECKS = 8  # specks per window above which the area is background texture


def _blank_texture(th: Any) -> Any:
    """Whiten the speck-dense areas of a binary image (0 = ink); text areas are left as they are."""
    import cv2
    import numpy as np

    _n, lab, stats, _c = cv2.connectedComponentsWithStats((th < 128).astype(np.uint8), connectivity=8)
    area = stats[:, cv2.CC_STAT_AREA].astype(np.float32)
    speck = area <= SPECK_AREA
    speck[0] = False  # the paper itself
    if int(speck.sum()) < 50:
        return th
    # Every speck pixel weighs 1/area, so a window's sum counts the specks in it.
    weight = np.where(speck, 1.0 / np.maximum(area, 1.0), 0.0).astype(np.float32)
    win = (TEXTURE_WINDOW, TEXTURE_WINDOW)
    density = cv2.boxFilter(weight[lab], -1, win, normalize=False)
    texture = (density > TEXTURE_SPECKS).astype(np.uint8)
    if not texture.any():
        return th
    texture = cv2.dilate(texture, np.ones((15, 15), np.uint8)).astype(bool)
    out = th.copy()
    out[texture] = 255
    return out


# Tesseract reads best when capital letters are ~30 px tall (the median glyph, a connected
# component, is a little smaller). Much bigger wastes time, smaller loses characters.
LARGE_GLYPH_PX, LARGE_TARGET_PX = 64.0, 44.0  # above LARGE: downscale to TARGET
MAX_OCR_PIXELS = 8_000_000  # bounds the time of one Tesseract pass


def _glyph_height(gray: Any) -> float | None:
    """Median height of character-sized dark blobs, in pixels of gray (None if unsure)."""
    try:
        import cv2
        import numpy as np
    except ImportError:  # pragma: no cover - opencv is a declared dependency
        return None
    w, h = gray.size
    k = min(1.0, 2000 / max(w, h))  # measure on a small copy: large scans take too long
    small = gray if k == 1.0 else gray.resize((max(1, int(w * k)), max(1, int(h * k))))
    arr = np.asarray(small)
    _, th = cv2.threshold(arr, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    _n, _lab, stats, _c = cv2.connectedComponentsWithStats(th, connectivity=8)
    hs = stats[1:, cv2.CC_STAT_HEIGHT]
    ws = stats[1:, cv2.CC_STAT_WIDTH]
    keep = (hs >= 5) & (hs < arr.shape[0] / 12) & (ws >= 2) & (ws < 3 * hs)
    if int(keep.sum()) < 30:
        return None
    return float(np.median(hs[keep])) / k


def _prepare(img: Any, *, darken_faint_ink: bool = True) -> tuple[Any, float]:
    """Grayscale, scale so text is Tesseract-sized, stretch contrast. Returns image and scale.

    darken_faint_ink: the darkest 1 % of pixels become black. That rescues faded thermal print
    (receipts), but on a printed page with little ink and light-grey table shading the 1 % mark
    falls inside the shading, the cells turn dark and Tesseract's threshold loses their text."""
    from PIL import Image, ImageOps

    if img.mode not in ("L", "RGB"):
        img = img.convert("RGB")
    gray = img.convert("L")
    w, h = gray.size
    # Receipts are narrow: judging by width brings small scans up to a readable size.
    scale = min(2.5, 1200 / max(w, 1)) if w < 1000 else min(1.0, 2200 / w)
    glyph = _glyph_height(gray)
    if glyph and glyph * scale > LARGE_GLYPH_PX:
        # Big print (high-dpi scans, close-up photos): more pixels only cost time.
        scale = LARGE_TARGET_PX / glyph
    scale = min(scale, (MAX_OCR_PIXELS / max(w * h, 1)) ** 0.5)
    if abs(scale - 1.0) > 0.1:
        gray = gray.resize((max(1, int(w * scale)), max(1, int(h * scale))), Image.LANCZOS)
    else:
        scale = 1.0
    gray = ImageOps.autocontrast(gray, cutoff=(1 if darken_faint_ink else 0, 1))
    return gray, scale


def _osd_rotate(img: Any, deadline: float) -> Any:
    """Rotate by Tesseract's orientation detection when it is confident (cheap on a thumbnail)."""
    import pytesseract

    if "osd" not in _installed_languages():
        return img
    try:
        remaining = max(1.0, deadline - time.monotonic())
        osd = pytesseract.image_to_osd(img, output_type=pytesseract.Output.DICT, timeout=min(10, remaining))
    except Exception:
        return img
    rot = int(osd.get("rotate", 0) or 0)
    if rot and float(osd.get("orientation_conf", 0) or 0) > 2.0:
        return img.rotate(-rot, expand=True)
    return img


class PassTimeout(Exception):
    """An optional OCR pass ran out of its own budget (the document's deadline is not reached)."""


def _tesseract(
    image: Any, languages: tuple[str, ...], config: str, deadline: float, budget: float | None = None
) -> dict:
    import pytesseract

    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise ExtractionError("Time limit exceeded")
    timeout = max(1.0, remaining)
    if budget is not None and budget < timeout:
        timeout = budget
    try:
        return pytesseract.image_to_data(
            image,
            lang=_lang_arg(languages),
            config=config,
            output_type=pytesseract.Output.DICT,
            timeout=timeout,
        )
    except RuntimeError as exc:
        if "timeout" in str(exc).lower():
            if timeout < remaining:
                raise PassTimeout() from None
            raise ExtractionError("Time limit exceeded") from None
        raise ExtractionError(f"OCR failed: {exc}") from None
    except pytesseract.TesseractNotFoundError:
        raise ExtractionError("OCR engine (tesseract) is not installed") from None


def _confident_words(data: dict) -> int:
    """Words Tesseract is sure of: a cheap measure of whether a pass read real text."""
    n = 0
    for text, conf in zip(data["text"], data["conf"], strict=False):
        try:
            c = float(conf)
        except (TypeError, ValueError):
            continue
        if c >= 70 and sum(ch.isalnum() for ch in text) >= 3:
            n += 1
    return n


def ocr_image(
    img: Any,
    doc: Doc,
    *,
    page_no: int,
    languages: tuple[str, ...],
    deadline: float,
    binarize: bool = False,
    budget: float | None = None,
    darken_faint_ink: bool = True,
) -> None:
    """OCR img into doc. binarize=True is the second-chance mode for photos: adaptive threshold
    and a single-block layout, which keeps faint right-hand price columns on their rows.
    budget (seconds) bounds an optional pass: PassTimeout is raised when it runs out."""
    # Tesseract's OpenMP threads spin-wait and made single receipts 2-3x slower on the 2-core
    # servers (and starve parallel workers); one thread per page is faster in practice.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")

    prepared, scale = _prepare(img, darken_faint_ink=darken_faint_ink)
    if binarize:
        prepared = _binarize(prepared)
    w0, h0 = img.size
    data = _tesseract(prepared, languages, "--psm 6" if binarize else "--psm 4", deadline, budget)
    sure = _confident_words(data)
    if sure < 8 or (w0 > h0 * 1.3 and sure < 20):
        # A landscape image that reads badly: maybe a portrait document photographed sideways.
        # Orientation detection costs as much as a pass, so it runs only when needed.
        rotated = _osd_rotate(prepared, deadline)
        if rotated is not prepared:
            data2 = _tesseract(rotated, languages, "--psm 4", deadline)
            if _confident_words(data2) > _confident_words(data):
                data, prepared = data2, rotated
                # Word boxes now live in the rotated frame; report its size as the page size.
                w0, h0 = int(rotated.size[0] / scale), int(rotated.size[1] / scale)
    words, keys = [], []
    inv = 1.0 / scale
    for i, text in enumerate(data["text"]):
        if not text or not text.strip():
            continue
        try:
            conf = float(data["conf"][i])
        except (TypeError, ValueError):
            conf = -1
        if conf < 0:
            continue
        x, y, w, h = data["left"][i], data["top"][i], data["width"][i], data["height"][i]
        words.append((text, x * inv, y * inv, (x + w) * inv, (y + h) * inv))
        keys.append((data["block_num"][i], data["par_num"][i], data["line_num"][i]))
    doc.add_page(page_no, float(w0), float(h0), words, line_keys=keys)


def ocr_pdf_pages(pdf: Any, *, languages: tuple[str, ...], deadline: float, max_pages: int) -> Doc:
    """OCR a scanned PDF (pdfplumber object); coordinates are converted back to PDF points."""
    doc = Doc()
    for i, page in enumerate(pdf.pages[:max_pages]):
        if time.monotonic() > deadline:
            raise ExtractionError("Time limit exceeded")
        resolution = 200
        img = page.to_image(resolution=resolution).original
        sub = Doc()
        # Scanned invoice pages: printed ink, often shaded table cells (see _prepare).
        ocr_image(img, sub, page_no=i + 1, languages=languages, deadline=deadline, darken_faint_ink=False)
        k = 72.0 / resolution
        words = [(w.text, w.x0 * k, w.top * k, w.x1 * k, w.bottom * k) for ln in sub.lines for w in ln.words]
        keys = [id(ln) for ln in sub.lines for _ in ln.words]
        doc.add_page(i + 1, float(page.width), float(page.height), words, line_keys=keys)
    return doc
