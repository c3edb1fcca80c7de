"""Reads for the readable view of a structured e-invoice and the files embedded in it.

The XML is the original's own bytes, parsed on demand with the engine's hardened parser (nothing derived is
stored: the original stays the single source). Callers pass a document already scoped to the member's
company (`documents.selectors.document_queryset_for`), so embedded files are company-scoped like the
document itself.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from core.storage import STORAGE_ERRORS
from documents.models import Document
from extraction.einvoice_view import InvoiceView, read_einvoice
from extraction.einvoice_view.attachments import EmbeddedFile
from extraction.engine.result import ExtractionError

logger = logging.getLogger(__name__)

XML_TYPES = frozenset({"application/xml", "text/xml"})


def is_xml(document: Document) -> bool:
    return document.content_type in XML_TYPES


def carries_einvoice(document: Document) -> bool:
    """An XML file, or a PDF the extractor read as a ZUGFeRD / Factur-X e-invoice."""
    return is_xml(document) or (document.is_pdf and document.extraction_source == "einvoice_pdf")


def _original_bytes(document: Document) -> bytes | None:
    try:
        with document.original.open("rb") as fh:
            return fh.read()
    except (*STORAGE_ERRORS, ValueError):
        logger.warning("original of document %s is missing", document.pk)
        return None


@dataclass
class EInvoiceReading:
    view: InvoiceView | None = None
    files: list[EmbeddedFile] = field(default_factory=list)


def einvoice_reading_for(document: Document) -> EInvoiceReading:
    """The readable view (None when the document is not an e-invoice we can show) and the embedded files
    (refused ones included, with the reason), from one read of the original."""
    if not carries_einvoice(document):
        return EInvoiceReading()
    data = _original_bytes(document)
    if data is None:
        return EInvoiceReading()
    try:
        view, files = read_einvoice(data)
    except ExtractionError as error:
        logger.info("no readable view for document %s: %s", document.pk, error)
        return EInvoiceReading()
    return EInvoiceReading(view=view, files=files)


def embedded_files_for(document: Document) -> list[EmbeddedFile]:
    """Supporting files the e-invoice carries (refused ones included, with the reason)."""
    return einvoice_reading_for(document).files


def embedded_file(document: Document, number: int) -> EmbeddedFile | None:
    """The `number`-th embedded file (1-based, in the order listed), when it is offered (not refused)."""
    files = einvoice_reading_for(document).files
    if not 1 <= number <= len(files):
        return None
    found = files[number - 1]
    return found if found.content is not None else None
