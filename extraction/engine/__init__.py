"""Envoice extraction engine: reads invoices and receipts into the eval field schema.

Pure Python, no Django. Entry point::

    from extraction.engine import extract, ExtractionResult, ExtractionError
    result = extract(data, filename="bill.pdf", languages=("eng", "est"), time_limit=60.0, hints=None)

Sources, in order of trust:

* ``einvoice_xml`` - UBL 2.1 / Peppol BIS 3 (Invoice, CreditNote), UN/CEFACT CII (XRechnung,
  ZUGFeRD 2 / Factur-X, ZUGFeRD 1.0 CrossIndustryDocument) and Finvoice 1.x-3.0, read exactly.
* ``einvoice_pdf`` - a PDF carrying such XML as an attachment (Factur-X / ZUGFeRD / Odoo UBL).
  The XML wins; the visible text is read too and disagreements on total, IBAN or supplier
  are reported in ``warnings``.
* ``pdf_text`` - PDFs with a text layer (pdfplumber words with positions, for provenance).
* ``ocr`` - images and image-only PDFs, through Tesseract after image clean-up.

Supported ``hints`` (all optional; unknown keys are ignored), typically learned from a user's
earlier corrections for the same supplier:

* ``invoice_number_label`` (str or list of str): the label printed before the invoice number on
  this supplier's documents, e.g. ``"Bill no"``. Tried before the built-in labels.
* ``issue_date_label`` (str or list of str): the label before the issue date, e.g. ``"Billed on"``.
* ``due_date_label``, ``total_label``, ``subtotal_label``, ``tax_total_label``,
  ``po_number_label`` (str or list of str): same idea.
* ``<field>_where`` (``[page, x, y]``, x and y relative to the page size): where the supplier
  prints the field; a candidate there wins, and with no label the value printed there is read.
  Learned from the page by ``extraction.engine.learning.hints_from_correction``.
* ``date_order`` (``"DMY"`` or ``"MDY"``): how to read ambiguous numeric dates such as 03/04/2024.
  Defaults to what the document's unambiguous dates say, else ``"DMY"``.
* ``currency`` (ISO code): used when the document itself names no currency.
* ``supplier_name`` (str): the corrected name; used when it is printed on the document (or when
  no supplier name is found at all).

Text-layer PDFs are read by ``fields.read_invoice`` (layout, lexicon, candidates, totals, tables);
each confidence is calibrated from its evidence (``ExtractionResult.evidence``, ``calibration``).
"""

from __future__ import annotations

import time
from typing import Any

from .result import ExtractionError, ExtractionResult

__all__ = ["ExtractionError", "ExtractionResult", "extract"]


def extract(
    data: bytes,
    *,
    filename: str = "",
    languages: tuple[str, ...] = ("eng", "est"),
    time_limit: float = 60.0,
    hints: dict | None = None,
) -> ExtractionResult:
    """Extract invoice fields from a document's bytes.

    Raises ExtractionError when the input is not a readable invoice (corrupt or encrypted PDF,
    unknown format) or the time limit is exceeded.
    """
    from .pipeline import run

    started = time.monotonic()
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ExtractionError("extract() needs the document's bytes")
    data = bytes(data)
    if not data.strip():
        raise ExtractionError("Empty document")
    hints_: dict[str, Any] = dict(hints or {})
    result = run(
        data, filename=filename, languages=tuple(languages), deadline=started + time_limit, hints=hints_
    )
    result.seconds = round(time.monotonic() - started, 4)
    return result
