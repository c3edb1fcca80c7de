"""Format sniffing and orchestration: XML, PDF (embedded XML / text layer / scanned) or image."""

from __future__ import annotations

import io
import re
import time
from typing import Any

from .checks import cross_check, valid_iban
from .einvoice import read_einvoice_xml
from .fields import extract_fields, read_invoice
from .layout import Doc
from .parsing import to_decimal
from .receipt import looks_like_receipt, overlay_receipt
from .reread import reread_digits
from .result import ExtractionError, ExtractionResult

MAX_PDF_PAGES = 20  # invoices are short; bounding the work bounds the time


def _check_deadline(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise ExtractionError("Time limit exceeded")


def _looks_like_xml(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<")


def run(
    data: bytes, *, filename: str, languages: tuple[str, ...], deadline: float, hints: dict[str, Any]
) -> ExtractionResult:
    if data[:1024].find(b"%PDF") >= 0:
        result = _run_pdf(data, languages=languages, deadline=deadline, hints=hints)
    elif _looks_like_xml(data):
        result = _run_xml(data)
    else:
        result = _run_image(data, languages=languages, deadline=deadline, hints=hints)
    _finish(result)
    return result


def _finish(result: ExtractionResult) -> None:
    f = result.fields
    for k, v in f.items():
        if v not in (None, "", []) and k not in result.confidence:
            result.confidence[k] = 0.5
    if result.evidence:
        # Calibrated scores already weigh the arithmetic; the checks may only lower them.
        checked = dict(result.confidence)
        cross_check(f, checked, result.warnings)
        result.confidence = {k: min(v, result.confidence.get(k, v)) for k, v in checked.items()}
    else:
        cross_check(f, result.confidence, result.warnings)
    # Per-line scores ("lines[2]") live beside the field they belong to.
    result.confidence = {
        k: round(v, 3)
        for k, v in result.confidence.items()
        if f.get(k.split("[", 1)[0]) not in (None, "", [])
    }


# ------------------------------------------------------------------ XML
def _run_xml(data: bytes) -> ExtractionResult:
    b = read_einvoice_xml(data)
    res = ExtractionResult(fields=b.fields, provenance=b.provenance, source="einvoice_xml", pages=1)
    res.confidence = {k: 0.95 for k, v in b.fields.items() if v not in (None, "", [])}
    return res


# ------------------------------------------------------------------ PDF
def _embedded_xml(data: bytes) -> list[tuple[str, bytes]]:
    """Embedded XML files of a PDF (Factur-X/ZUGFeRD/Odoo), most specific names first."""
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise ExtractionError("Encrypted PDF")
            except Exception:
                raise ExtractionError("Encrypted PDF") from None
        atts = reader.attachments
    except ExtractionError:
        raise
    except Exception as exc:
        raise ExtractionError(f"Unreadable PDF: {type(exc).__name__}: {exc}") from None
    out = []
    for name, blobs in atts.items():
        for blob in blobs:
            if name.lower().endswith(".xml") or blob.lstrip()[:5] == b"<?xml":
                out.append((name, blob))
    preferred = ("factur-x", "zugferd", "xrechnung", "ubl", "invoice")
    out.sort(key=lambda nb: next((i for i, p in enumerate(preferred) if p in nb[0].lower()), 99))
    return out


def _text_layer(pages: Any, deadline: float) -> Doc:
    doc = Doc()
    try:
        for i, page in enumerate(pages[:MAX_PDF_PAGES]):
            _check_deadline(deadline)
            words = page.extract_words(keep_blank_chars=False, use_text_flow=False, x_tolerance=1.5)
            doc.add_page(
                i + 1,
                float(page.width),
                float(page.height),
                # Rotated text (a watermark or a margin note printed sideways) is not part of the layout.
                [
                    (w["text"], w["x0"], w["top"], w["x1"], w["bottom"])
                    for w in words
                    if w.get("upright", True)
                ],
            )
    except ExtractionError:
        raise
    except Exception as exc:
        raise ExtractionError(f"Unreadable PDF: {type(exc).__name__}") from None
    return doc


def page_model(data: bytes, *, time_limit: float = 30.0) -> Doc:
    """The text layer of a PDF as a Doc (empty for a scan), for learning from corrections."""
    import pdfplumber

    deadline = time.monotonic() + time_limit
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:
        raise ExtractionError(f"Unreadable PDF: {type(exc).__name__}") from None
    try:
        return _text_layer(pdf.pages, deadline)
    except ExtractionError:
        raise
    except Exception as exc:
        raise ExtractionError(f"Unreadable PDF: {type(exc).__name__}") from None
    finally:
        try:
            pdf.close()
        except Exception:
            pass


def _run_pdf(
    data: bytes, *, languages: tuple[str, ...], deadline: float, hints: dict[str, Any]
) -> ExtractionResult:
    import pdfplumber

    xml_fields = None
    for _name, blob in _embedded_xml(data):
        try:
            xml_fields = read_einvoice_xml(blob)
            break
        except ExtractionError:
            continue
    _check_deadline(deadline)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:
        raise ExtractionError(f"Unreadable PDF: {type(exc).__name__}") from None
    try:
        try:
            pages = pdf.pages
            n_pages = len(pages)
        except Exception as exc:
            raise ExtractionError(f"Unreadable PDF: {type(exc).__name__}") from None
        doc = _text_layer(pages, deadline)
        text_chars = sum(len(ln.text) for ln in doc.lines)
        if xml_fields is None and text_chars < 40:
            from .ocr import ocr_pdf_pages

            doc = ocr_pdf_pages(pdf, languages=languages, deadline=deadline, max_pages=MAX_PDF_PAGES)
            source = "ocr"
        else:
            source = "pdf_text"
    finally:
        # Closing re-reads a malformed page tree and can raise; that must not mask the real outcome.
        try:
            pdf.close()
        except Exception:
            pass
    if source == "pdf_text" and doc.lines:
        reading = read_invoice(doc, hints)
        fields, conf, prov, evidence = reading.fields, reading.confidence(), reading.prov, reading.evidence()
    else:
        fields, conf, prov = extract_fields(doc, hints=hints)
        evidence = {}
    res = ExtractionResult(
        fields=fields,
        confidence=conf,
        provenance=prov,
        evidence=evidence,
        source=source,
        text=doc.text(),
        pages=n_pages,
    )
    if xml_fields is not None:
        _merge_xml(res, xml_fields)
    return res


def _same_amount(a: Any, b: Any) -> bool:
    da, db = to_decimal(a), to_decimal(b)
    return da is not None and db is not None and abs(da - db) < to_decimal("0.01")


def _norm_name(s: str) -> str:
    return re.sub(r"[^a-z0-9]", "", s.lower())


def _merge_xml(res: ExtractionResult, xml: Any) -> None:
    """The embedded XML wins; the visible page is used only to flag disagreements."""
    visible = res.fields
    text_norm = _norm_name(res.text)
    xf = xml.fields
    # Only complain when the XML total is nowhere on the page; label heuristics can pick
    # the amount due or a subtotal on perfectly consistent documents.
    if (
        xf.get("total")
        and visible.get("total")
        and not _same_amount(xf["total"], visible["total"])
        and _norm_name(xf["total"]).lstrip("0") not in text_norm
    ):
        res.warnings.append(
            f"Embedded XML total {xf['total']} differs from the visible page {visible['total']}"
        )
    if (
        xf.get("iban")
        and visible.get("iban")
        and valid_iban(visible["iban"])
        and _norm_name(xf["iban"]) != _norm_name(visible["iban"])
    ):
        res.warnings.append(f"Embedded XML IBAN {xf['iban']} differs from the visible page {visible['iban']}")
    if xf.get("supplier_name") and res.text.strip():
        key = _norm_name(xf["supplier_name"])[:12]
        if key and key not in text_norm:
            res.warnings.append(
                f"Embedded XML supplier {xf['supplier_name']!r} does not appear on the visible page"
            )
    res.fields = xf
    res.provenance = {k: v for k, v in xml.provenance.items()}
    res.confidence = {k: 0.95 for k, v in xf.items() if v not in (None, "", [])}
    res.evidence = {}
    res.source = "einvoice_pdf"


# ------------------------------------------------------------------ images
def _read_image(doc: Doc, hints: dict[str, Any]) -> tuple[dict[str, Any], dict[str, float], dict[str, Any]]:
    fields, conf, prov = extract_fields(doc, hints=hints, receipt=True)
    if looks_like_receipt(doc):
        overlay_receipt(doc, fields, conf, prov, hints)
    return fields, conf, prov


def _merge_reading(
    fields: dict[str, Any],
    conf: dict[str, float],
    prov: dict[str, Any],
    other: tuple[dict[str, Any], dict[str, float], dict[str, Any]],
    *,
    gaps_only: bool,
) -> None:
    """Take the other reading's value of a field where this one has none, or (unless gaps_only)
    where the other is at least as confident. Value, confidence and provenance move together."""
    f2, c2, p2 = other
    for k, v in f2.items():
        if v in (None, "", []):
            continue
        empty = fields.get(k) in (None, "", [])
        if empty or (not gaps_only and c2.get(k, 0.0) >= conf.get(k, 0.0)):
            fields[k], conf[k] = v, c2.get(k, 0.4)
            if k in p2:
                prov[k] = p2[k]
            else:
                prov.pop(k, None)


def _run_image(
    data: bytes, *, languages: tuple[str, ...], deadline: float, hints: dict[str, Any]
) -> ExtractionResult:
    from .ocr import PassTimeout, load_image, ocr_image

    img = load_image(data)
    doc = Doc()
    started = time.monotonic()
    ocr_image(img, doc, page_no=1, languages=languages, deadline=deadline)
    first_pass = time.monotonic() - started
    fields, conf, prov = _read_image(doc, hints)
    text = doc.text()
    # Boxes in another frame than the image (the page was turned by orientation detection) would crop
    # the wrong pixels, so those pages keep Tesseract's reading.
    reread = reread_digits(img, doc) if doc.page_sizes.get(1) == tuple(map(float, img.size)) else None
    if reread is not None:
        _merge_reading(fields, conf, prov, _read_image(reread, hints), gaps_only=False)
        text = reread.text()
    weak = [k for k in ("total", "issue_date") if not fields.get(k)]
    if (weak or not fields.get("supplier_name")) and deadline - time.monotonic() > 5:
        # Second chance for photos: binarised image, other layout mode. It only fills gaps, so a
        # good first reading is never made worse. It may cost about twice the first reading:
        # on textured backgrounds the single-block mode crawls and rarely finds anything new.
        doc2 = Doc()
        try:
            ocr_image(
                img,
                doc2,
                page_no=1,
                languages=languages,
                deadline=deadline,
                binarize=True,
                budget=max(2.0, 2.5 * first_pass),
            )
        except PassTimeout:
            doc2 = None
        if doc2 is not None:
            _merge_reading(fields, conf, prov, _read_image(doc2, hints), gaps_only=True)
            text = text + "\n\f\n" + doc2.text()
    # Receipt confidences are calibrated per evidence kind (receipt.CONFIDENCE): checks only lower them.
    evidence = {k: [p["evidence"], conf.get(k)] for k, p in prov.items() if "evidence" in p and fields.get(k)}
    return ExtractionResult(
        fields=fields, confidence=conf, provenance=prov, evidence=evidence, source="ocr", text=text, pages=1
    )
