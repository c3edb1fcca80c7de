"""Entry points: find the e-invoice in the bytes (XML, an envelope around it, or a PDF carrying it)."""

from __future__ import annotations

import io
from typing import Any

import pypdf

from extraction.engine.einvoice import einvoice_element
from extraction.engine.result import ExtractionError

from . import attachments, cii, finvoice, ubl
from .attachments import EmbeddedFile
from .model import InvoiceView

_READERS = {"ubl": ubl.read, "cii": cii.read, "finvoice": finvoice.read}
# Names ZUGFeRD / Factur-X / XRechnung give the invoice XML inside a PDF, most specific first.
_INVOICE_NAMES = ("factur-x", "zugferd", "xrechnung", "ubl", "invoice")


def _is_pdf(data: bytes) -> bool:
    return data[:1024].find(b"%PDF") >= 0


def _pdf_attachments(data: bytes) -> dict[str, list[bytes]]:
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractionError("Encrypted PDF")
        return dict(reader.attachments)
    except ExtractionError:
        raise
    except Exception as exc:  # pypdf raises many types on damaged files
        raise ExtractionError(f"Unreadable PDF: {type(exc).__name__}") from None


def _pdf_invoice(files: dict[str, list[bytes]]) -> tuple[bytes, str, Any] | None:
    candidates = [
        (name, blob) for name, blobs in files.items() for blob in blobs if name.lower().endswith(".xml")
    ]
    candidates.sort(key=lambda nb: next((i for i, p in enumerate(_INVOICE_NAMES) if p in nb[0].lower()), 99))
    for _name, blob in candidates:
        try:
            kind, el = einvoice_element(blob)
        except ExtractionError:
            continue
        return blob, kind, el
    return None


def _element_and_files(data: bytes) -> tuple[str, Any, list[EmbeddedFile]]:
    """One parse: the e-invoice element, its kind and the supporting files it carries."""
    if _is_pdf(data):
        files = _pdf_attachments(data)
        found = _pdf_invoice(files)
        if found is None:
            raise ExtractionError("This PDF carries no e-invoice XML")
        blob, kind, el = found
        in_xml = attachments.from_xml(el)
        beside = attachments.from_pdf(files, skip=blob, start=len(in_xml) + 1)
        return kind, el, attachments.capped(in_xml + beside)
    kind, el = einvoice_element(data)
    return kind, el, attachments.capped(attachments.from_xml(el))


def read_einvoice(data: bytes) -> tuple[InvoiceView, list[EmbeddedFile]]:
    """The readable view and the embedded files of an XML e-invoice or a ZUGFeRD / Factur-X PDF."""
    kind, el, files = _element_and_files(data)
    return _READERS[kind](el), files


def read_view(data: bytes) -> InvoiceView:
    """The readable view of an XML e-invoice, or of the e-invoice XML a PDF carries."""
    return read_einvoice(data)[0]


def embedded_files(data: bytes) -> list[EmbeddedFile]:
    """Supporting files of an e-invoice: base64 in its XML and, for a PDF, the files beside the XML."""
    return _element_and_files(data)[2]
