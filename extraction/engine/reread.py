"""A second reading of a receipt's amounts and dates by a text-line recognizer that reads digits better.

Tesseract finds a receipt's lines and reads its words well, but on small thermal print it drops
decimal points ("5045" for 50.45) and confuses 3/8 and 5/6. PP-OCR's text-line recognizer (an ONNX
model shipped inside the ``rapidocr-onnxruntime`` wheel, run by onnxruntime) reads digits better
and names worse (``benchmarks/ocr_engines.py``), and its own text detector costs more than the
whole Tesseract pass. So Tesseract's boxes decide *where* to look and only the digit-bearing words
of the lines that carry a till role (total, subtotal, tax, rounding, paid, change and the line
after such a label) or a date are cropped from the original image and read again: about fifteen
small crops per receipt. The pipeline reads the fields from both pages and keeps, per field, the
more confident value (``pipeline._run_image``).

The recogniser drops spaces ("28/03/2018 11:10" comes back as one token), so a date line's cells
are re-read whole and the pipeline keeps Tesseract's value where the re-read page finds none.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

import numpy as np

from .layout import Doc, Word
from .parsing import find_dates
from .receipt import line_kind

log = logging.getLogger(__name__)

# Recogniser readings below this score are noise (smudges, cut-off glyphs); the word stays as read.
MIN_SCORE = 0.5
# Margin around a crop, as a share of its height: the recogniser wants a little paper round the ink.
PAD = 0.25
MAX_CROPS = 60  # bounds the cost on a long till roll
# Wider crops keep Tesseract's reading: the recogniser's memory grows with the square of the width.
MAX_ASPECT = 16.0

_DIGIT = re.compile(r"\d")
# Day, month and year however misread ("24/81/2018" is still a date line); month names are left to
# the engine's date reader, so that "MART" or "DECATHLON" does not make a shop's name a date line.
_NUMERIC_DATE = re.compile(r"\d{1,4}\s?[/.-]\s?\d{1,2}\s?[/.-]\s?\d{2,4}")


def _is_date_line(text: str) -> bool:
    return bool(_NUMERIC_DATE.search(text) or find_dates(text))


@lru_cache(maxsize=1)
def _recognizer() -> Any | None:
    """PP-OCR's text-line recogniser on one thread, or None when the package is not installed."""
    try:
        from rapidocr_onnxruntime.ch_ppocr_rec import TextRecognizer
        from rapidocr_onnxruntime.main import DEFAULT_CFG_PATH
        from rapidocr_onnxruntime.utils import read_yaml, update_model_path
    except ImportError:
        log.warning("rapidocr-onnxruntime is not installed: receipt amounts are read by Tesseract alone")
        return None
    config = update_model_path(read_yaml(str(DEFAULT_CFG_PATH)))["Rec"]
    # One thread, like Tesseract (ocr.py): parallel extraction workers must not fight over cores.
    config.update(intra_op_num_threads=1, inter_op_num_threads=1)
    # One crop at a time: a batch is padded to its widest crop (and to at least 320 x 48), which
    # on the dev receipts doubled the time and added ~60 MB of activations.
    config["rec_batch_num"] = 1
    return TextRecognizer(config)


def available() -> bool:
    return _recognizer() is not None


def _lines_to_reread(doc: Doc) -> list[tuple[int, bool]]:
    """(line, is a date line) for the lines whose numbers decide a field: a till role, the value
    line under such a label, a date."""
    out, prev = [], None
    for i, line in enumerate(doc.lines):
        kind = line_kind(line.text)
        dated = _is_date_line(line.text)
        if (kind and kind != "skip") or (prev and prev != "skip") or dated:
            out.append((i, dated))
        prev = kind
    return out


def _digit_runs(doc: Doc, i: int, dated: bool) -> list[list[Word]]:
    """Groups of words to crop on line i: a date line's digit cells whole, else runs of digit words."""
    cells = [c for c in doc.cells(i) if _DIGIT.search(c.text)]
    if dated:
        return [c.words for c in cells]
    runs: list[list[Word]] = []
    for cell in cells:
        run: list[Word] = []
        for w in cell.words:
            if _DIGIT.search(w.text):
                run.append(w)
            elif run:
                runs.append(run)
                run = []
        if run:
            runs.append(run)
    return runs


def _crop(img: Any, run: list[Word]) -> Any | None:
    """The run's box with a margin, as the recogniser's BGR array. Cropped from the PIL image, so a
    35-megapixel scan is never copied whole."""
    width, height = img.size
    top, bottom = min(w.top for w in run), max(w.bottom for w in run)
    pad = max(2.0, PAD * (bottom - top))
    y0, y1 = int(max(0, top - pad)), int(min(height, bottom + pad))
    x0, x1 = int(max(0, run[0].x0 - pad)), int(min(width, run[-1].x1 + pad))
    if y1 - y0 < 4 or x1 - x0 < 4 or (x1 - x0) > MAX_ASPECT * (y1 - y0):
        return None
    # The recogniser was trained on BGR (OpenCV) input.
    return np.ascontiguousarray(np.asarray(img.crop((x0, y0, x1, y1)).convert("RGB"))[:, :, ::-1])


def _spread(text: str, run: list[Word]) -> list[tuple[str, float, float, float, float]]:
    """The recogniser's text as words over the run's box, each at its share of the characters."""
    x0, x1 = run[0].x0, run[-1].x1
    top, bottom = min(w.top for w in run), max(w.bottom for w in run)
    n, pos, out = max(1, len(text)), 0, []
    for part in text.split():
        start = text.index(part, pos)
        pos = start + len(part)
        out.append((part, x0 + (x1 - x0) * start / n, top, x0 + (x1 - x0) * pos / n, bottom))
    return out


def reread_digits(img: Any, doc: Doc) -> Doc | None:
    """A copy of an OCR'd one-page doc whose key digit runs are read again from img (PIL, the frame
    the doc's boxes are in). None when there is nothing to re-read or no recogniser is installed."""
    recognizer = _recognizer()
    if recognizer is None or not doc.lines or set(doc.page_sizes) != {1}:
        return None
    crops, runs = [], []
    for i, dated in _lines_to_reread(doc):
        for run in _digit_runs(doc, i, dated):
            crop = _crop(img, run)
            if crop is not None:
                crops.append(crop)
                runs.append(run)
    if not crops:
        return None
    crops, runs = crops[:MAX_CROPS], runs[:MAX_CROPS]
    readings, _elapsed = recognizer(crops)
    replace = {
        id(run[0]): (text, run)
        for run, (text, score) in zip(runs, readings, strict=True)
        if text.strip() and score >= MIN_SCORE
    }
    if not replace:
        return None
    words, keys = [], []
    for i, line in enumerate(doc.lines):
        done: set[int] = set()
        for w in line.words:
            if id(w) in done:
                continue
            if id(w) in replace:
                text, run = replace[id(w)]
                done.update(id(x) for x in run)
                spread = _spread(text, run)
            else:
                spread = [(w.text, w.x0, w.top, w.x1, w.bottom)]
            words += spread
            keys += [i] * len(spread)
    out = Doc()
    width, height = doc.page_sizes[1]
    out.add_page(1, width, height, words, line_keys=keys)
    return out
