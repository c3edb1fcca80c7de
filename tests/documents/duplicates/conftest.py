"""Documents stored by intake and read by the real extraction engine, one call each."""

from __future__ import annotations

import pytest

from documents.intake import text_to_pdf
from documents.services import document_upload
from extraction.services import extraction_run

# The PDF rendition of tests.samples.ubl(number="INV-2024-007"): same supplier, number, date and total.
INVOICE_PDF_TEXT = """ACME Supplies OU
Reg. no 12345678   VAT EE100000001
Invoice no: INV-2024-007
Invoice date: 02.05.2024
Due date: 16.05.2024

Description                         Qty      Price      Total
Consulting                            2      50.00     100.00

Subtotal                                              100.00
VAT 22%                                                22.00
Total EUR                                             122.00
"""


def invoice_pdf() -> bytes:
    return text_to_pdf(INVOICE_PDF_TEXT)


@pytest.fixture
def receive(monkeypatch):
    """receive(company, data, name) → the document as intake stores it (not read yet: no task runs)."""
    monkeypatch.setattr("documents.services.enqueue_background_work", lambda ids: None)

    def do(company, data: bytes, name: str, **kwargs):
        return document_upload(company=company, data=data, filename=name, **kwargs)[0]

    return do


@pytest.fixture
def read():
    """read(document) → the document after extraction (which ends with the duplicate check)."""

    def do(document):
        return extraction_run(document_id=document.pk)

    return do
