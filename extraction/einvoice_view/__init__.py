"""A readable view of XML e-invoices, and the supporting files they carry.

Pure Python, no Django; parsing goes through the engine's hardened parser (`extraction.engine.xmlsafe`).

    from extraction.einvoice_view import read_view, embedded_files
    view = read_view(data)        # InvoiceView of an XML e-invoice or a ZUGFeRD/Factur-X PDF
    files = embedded_files(data)  # EmbeddedFile list (type decided from the bytes, size-capped)
    view, files = read_einvoice(data)  # both from one parse

Both raise ExtractionError when the bytes hold no e-invoice we can read.
"""

from __future__ import annotations

from .model import Cell, InvoiceView
from .reader import embedded_files, read_einvoice, read_view

__all__ = ["Cell", "InvoiceView", "embedded_files", "read_einvoice", "read_view"]
