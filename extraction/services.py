"""Extraction inside the product: run the engine on a document, store what it read, learn from people.

`extraction_run` is what the Celery task calls. It reads the original outside any transaction,
runs the engine (twice when the matched supplier has learned hints), matches the supplier against
the company's contacts, and then stores everything, applies the coding rules and moves the
document to review in one short transaction. An unreadable document still reaches review, with
empty fields and the reason in `extraction_error`.
"""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from bookkeeping.models import Contact
from bookkeeping.selectors import match_vat_code, purchase_vat_codes
from core import metrics
from core.hooks import Happened, announce
from core.parsing import date_or_none, decimal_or_none
from core.storage import STORAGE_ERRORS
from documents.choices import DocumentStatus, DocumentType
from documents.duplicates.services import duplicates_check, image_hash_for
from documents.models import Document, DocumentLine
from documents.state import transition
from extraction import engine
from extraction.engine import ExtractionError
from extraction.engine.learning import LEARNABLE as PAGE_LEARNABLE
from extraction.engine.learning import hints_from_correction
from extraction.engine.matching import SupplierCandidate, match_supplier
from extraction.engine.pipeline import page_model
from extraction.engine.receipt import prints_shop_name
from extraction.models import ExtractionRun, SupplierHints

log = logging.getLogger(__name__)

LEARNABLE_LABELS = ("invoice_number", "issue_date", "due_date", "total", "po_number")
# Learned from the page itself (label and position): these plus the subtotal and the VAT total.
MAX_LABELS = 3
MAX_LEARNED_FROM = 50


class ExtractionTransientError(Exception):
    """The original could not be read right now (storage unavailable); the task retries."""


# ---------------------------------------------------------------------------------------- run
def extraction_run(*, document_id: int) -> Document | None:
    """Extract one document that is received (or stuck extracting). Idempotent: others are skipped."""
    document = Document.objects.select_related("company").filter(pk=document_id).first()
    if document is None or document.status not in (DocumentStatus.RECEIVED, DocumentStatus.EXTRACTING):
        return None
    if document.status == DocumentStatus.RECEIVED:
        transition(document, "start_extraction", actor_label="extraction")
    else:
        audit_record(target=document, verb="resume_extraction", actor_label="extraction")

    try:
        with document.original.open("rb") as fh:
            data = fh.read()
    except STORAGE_ERRORS as exc:
        raise ExtractionTransientError(f"Cannot read the original of document {document_id}: {exc}") from exc

    started = time.monotonic()
    outcome = _extract_with_hints(document, data)
    outcome["seconds"] = round(time.monotonic() - started, 3)
    category = outcome["result"].source if "result" in outcome else "error"
    metrics.EXTRACTION_SECONDS.observe(outcome["seconds"], category=category or "unknown")
    outcome["image_hash"] = image_hash_for(data, content_type=document.content_type)
    document = _store_outcome(document, outcome)
    # Committed and in review: compare it with the company's other documents (documents.duplicates).
    try:
        duplicates_check(document_id=document.pk)
    except Exception:  # the document is read and in review; a correction or a re-read checks again
        log.exception("Duplicate check of document %s failed", document.pk)
    return document


def _languages(company) -> tuple[str, ...]:
    return tuple(x for x in re.split(r"[+,\s]+", company.ocr_languages or "") if x) or ("eng",)


def _extract_with_hints(document: Document, data: bytes) -> dict[str, Any]:
    limit = float(settings.ENVOICE_EXTRACTION_TIME_LIMIT)
    started = time.monotonic()
    kwargs = {"filename": document.filename, "languages": _languages(document.company)}
    try:
        result = engine.extract(data, time_limit=limit, **kwargs)
    except ExtractionError as exc:
        return {"error": exc.reason}
    except Exception as exc:  # an engine bug must not keep the document from review
        log.exception("Extraction of document %s crashed", document.pk)
        return {"error": f"The extraction engine failed: {type(exc).__name__}: {exc}"}

    is_purchase = document.type != DocumentType.SALES_INVOICE
    match = _match_supplier(document.company, result.fields) if is_purchase else None
    receipt_text = result.text if result.source == "ocr" else ""
    hints = _hints_lookup(document.company, result.fields, match.id if match else None, receipt_text)
    explanation = ""
    if hints and hints.hints and not result.source.startswith("einvoice"):
        remaining = limit - (time.monotonic() - started)
        if remaining > 1:
            try:
                result = engine.extract(data, time_limit=remaining, hints=hints.hints, **kwargs)
                explanation = hints.explanation()
                match = _match_supplier(document.company, result.fields) or match
            except Exception as exc:  # the first reading stands
                log.warning("Extraction with hints of document %s failed: %s", document.pk, exc)
    return {
        "result": result,
        "match": match,
        "hints": hints.hints if explanation else {},
        "explanation": explanation,
    }


def _match_supplier(company, fields: dict):
    candidates = [
        SupplierCandidate(id=c.pk, name=str(c), reg_no=c.reg_no, vat_no=c.vat_no, iban=c.iban)
        for c in Contact.objects.for_company(company).filter(is_active=True, is_supplier=True)
    ]
    return match_supplier(fields, candidates)


def _store_outcome(document: Document, outcome: dict[str, Any]) -> Document:
    result = outcome.get("result")
    error = outcome.get("error", "")
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        warnings = list(result.warnings) if result else []
        document.extraction_error = error
        document.extracted_at = timezone.now()
        if result is not None:
            fields = dict(result.fields)
            document.fields = fields
            document.confidence = result.confidence
            document.provenance = result.provenance
            document.extraction_source = result.source
            document.text = result.text or ""
            if result.pages and not document.page_count:
                document.page_count = result.pages
        else:
            fields = {}
            document.fields, document.confidence, document.provenance = {}, {}, {}
            document.extraction_source = ""
        _denormalise(document, fields)
        match = outcome.get("match")
        if match is not None and document.supplier_id is None:
            document.supplier_id = match.id
            document.supplier_match_reason = match.reason
            if match.iban_mismatch:
                known = Contact.objects.get(pk=match.id)
                warnings.append(
                    f"The bank account {fields.get('iban')} differs from the one known for {known} "
                    f"({known.iban}). Confirm it with the supplier before paying: changed bank details "
                    "are the classic invoice-fraud pattern."
                )
        document.warnings = warnings
        document.image_hash = outcome.get("image_hash")
        document.save()
        _replace_lines(document, fields.get("lines") or [])
        ExtractionRun.objects.create(
            document=document,
            seconds=outcome.get("seconds", 0),
            source=document.extraction_source,
            error=error,
            hints_used=outcome.get("hints", {}),
            hints_explanation=outcome.get("explanation", ""),
        )
        read = sorted(k for k, v in fields.items() if v not in (None, "", []))
        audit_record(
            target=document,
            verb="extraction_failed" if error else "extract",
            actor_label="extraction",
            message=error or f"Read {len(read)} field(s) from {document.extraction_source or 'the document'}",
            data={
                "fields": read,
                "source": document.extraction_source,
                "seconds": outcome.get("seconds", 0),
                "supplier": document.supplier_id,
                "supplier_match_reason": document.supplier_match_reason,
                "warnings": warnings,
                "hints": outcome.get("explanation", ""),
            },
        )
        transition(document, "finish_extraction", actor_label="extraction")
        # Once it is open for review (coding refuses documents still extracting), the lifecycle
        # applies the coding rules.
        announce(Happened.DOCUMENT_EXTRACTED, document=document)
    return document


def _denormalise(document: Document, fields: dict) -> None:
    document.supplier_name = str(fields.get("supplier_name") or "")[:255]
    document.invoice_number = str(fields.get("invoice_number") or "")[:100]
    document.issue_date = date_or_none(fields.get("issue_date"))
    document.due_date = date_or_none(fields.get("due_date"))
    document.currency = str(fields.get("currency") or "")[:3].upper()
    document.total = decimal_or_none(fields.get("total"), places=2, max_digits=14)
    document.subtotal = decimal_or_none(fields.get("subtotal"), places=2, max_digits=14)
    document.tax_total = decimal_or_none(fields.get("tax_total"), places=2, max_digits=14)


# The line keys that are EN 16931 terms of a structured e-invoice (kept on DocumentLine.einvoice).
EINVOICE_LINE_KEYS = (
    "vat_category",
    "gross_price",
    "price_discount",
    "base_quantity",
    "allowances",
    "charges",
    "line_id",
    "parent_line_id",
    "line_status",
    "discount_percent",
    "discount_amount",
)


def _replace_lines(document: Document, lines: list[dict]) -> None:
    document.lines.all().delete()
    structured = document.extraction_source.startswith("einvoice")
    codes = purchase_vat_codes(document.company) if structured else []
    rows = []
    for position, line in enumerate((ln for ln in lines if isinstance(ln, dict)), start=1):
        row = DocumentLine(
            document=document,
            position=position,
            description=str(line.get("description") or "")[:500],
            quantity=decimal_or_none(line.get("quantity"), places=4, max_digits=14) or Decimal("1"),
            unit_price=decimal_or_none(line.get("unit_price"), places=4, max_digits=14),
            total=decimal_or_none(line.get("total"), places=2, max_digits=14),
            tax_percent=decimal_or_none(line.get("tax_rate"), places=2, max_digits=6),
            einvoice={k: line[k] for k in EINVOICE_LINE_KEYS if line.get(k) not in (None, "", [])},
            counted=line.get("counted", True) is not False,
        )
        if structured and (row.tax_percent is not None or row.einvoice.get("vat_category")):
            # The invoice states each line's rate and category: pre-fill the company's Scoro VAT code.
            row.tax_rate = match_vat_code(
                codes, percent=row.tax_percent, category=row.einvoice.get("vat_category")
            )
        rows.append(row)
    DocumentLine.objects.bulk_create(rows)


# ---------------------------------------------------------------------------------- learning
def _name_key(name: str) -> str:
    s = unicodedata.normalize("NFKD", name or "")
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold()
    return re.sub(r"[^\w]+", " ", s).strip()[:180]


def _supplier_keys(*, contact_id: int | None, fields: dict) -> list[str]:
    keys = []
    if contact_id:
        keys.append(f"contact:{contact_id}")
    vat = re.sub(r"[\s.\-]", "", str(fields.get("supplier_vat_no") or "")).upper()
    if vat:
        keys.append(f"vat:{vat}")
    name = _name_key(str(fields.get("supplier_name") or ""))
    if name:
        keys.append(f"name:{name}")
    return keys


# How many learned shop names a scanned receipt is compared with when its read name matches none.
MAX_SHOPS_COMPARED = 200


def _hints_lookup(
    company, fields: dict, contact_id: int | None, receipt_text: str = ""
) -> SupplierHints | None:
    keys = _supplier_keys(contact_id=contact_id, fields=fields)
    hints = SupplierHints.objects.for_company(company)
    found = {h.key: h for h in hints.filter(key__in=keys)} if keys else {}
    hit = next((found[k] for k in keys if k in found), None)
    if hit or not receipt_text:
        return hit
    # OCR rarely reads a shop's name the same way twice: find the shop whose learned name the
    # receipt prints near its top, noise allowed.
    for h in hints.exclude(supplier_name="").order_by("-updated_at")[:MAX_SHOPS_COMPARED]:
        if prints_shop_name(receipt_text, h.supplier_name):
            return h
    return None


def hints_for_document(*, document: Document) -> SupplierHints | None:
    """What extraction has learned about this document's supplier (for the review screen)."""
    text = document.text if document.extraction_source == "ocr" else ""
    return _hints_lookup(document.company, document.fields or {}, document.supplier_id, text or "")


def _date_forms(d: date) -> list[tuple[str, str]]:
    """(surface form, order) pairs a date may be printed as; order is DMY, MDY or YMD."""
    forms = []
    for sep in (".", "/", "-"):
        for dd, mm in ((f"{d.day:02d}", f"{d.month:02d}"), (str(d.day), str(d.month))):
            for yy in (f"{d.year}", f"{d.year % 100:02d}"):
                forms.append((f"{dd}{sep}{mm}{sep}{yy}", "DMY"))
                forms.append((f"{mm}{sep}{dd}{sep}{yy}", "MDY"))
    forms.append((d.isoformat(), "YMD"))
    # An unambiguous day (> 12) decides the order; otherwise the first form wins.
    return sorted(set(forms), key=lambda f: -len(f[0]))


def _amount_forms(value: str) -> list[str]:
    d = decimal_or_none(value, places=2, max_digits=14)
    if d is None:
        return [value]
    whole, cents = f"{abs(d):.2f}".split(".")
    grouped = f"{int(whole):,}"
    return [
        f"{grouped}.{cents}",
        f"{grouped.replace(',', ' ')},{cents}",
        f"{grouped.replace(',', '.')},{cents}",
        f"{grouped.replace(',', ' ')}.{cents}",
        f"{whole}.{cents}",
        f"{whole},{cents}",
    ]


def _label_before(text: str, form: str) -> str | None:
    """The label printed before `form` on its line (or on the line above), e.g. "Bill no"."""
    lines = text.splitlines()
    pattern = re.compile(r"(?<![\w.,/-])" + re.escape(form) + r"(?![\w/-]|[.,]\d)")
    for index, line in enumerate(lines):
        m = pattern.search(line)
        if not m:
            continue
        before = re.split(r"\s{3,}", line[: m.start()])[-1]
        label = _clean_label(before)
        if not label and index > 0:
            label = _clean_label(re.split(r"\s{3,}", lines[index - 1])[-1])
        if label:
            return label
    return None


def _clean_label(s: str) -> str:
    s = re.sub(r"[\s:#.\-–=|(]+$", "", s.strip())
    words = s.split()[-4:]
    label = " ".join(words)
    return label if re.search(r"[^\W\d_]{2,}", label) and len(label) <= 60 else ""


@transaction.atomic
def learn_from_correction(*, document: Document, field: str, value, actor=None) -> SupplierHints | None:
    """Remember a person's correction of `field` so the next document of that supplier uses it.

    Learns where the value is printed (the label before it), how dates are ordered, and the
    supplier's name and currency. Returns the supplier's hints, or None when there is nothing to
    learn from (no supplier known, or the value does not appear in the document's text).
    """
    fields = {**(document.fields or {}), field: value}
    keys = _supplier_keys(contact_id=document.supplier_id, fields=fields)
    if not keys or value in (None, ""):
        return None
    value = str(value).strip()
    learned: dict[str, Any] = _learn_on_page(document, field, value)
    text = document.text or ""
    if field in LEARNABLE_LABELS and text and f"{field}_label" not in learned:
        if field in ("issue_date", "due_date"):
            parsed = date_or_none(value)
            for form, order in _date_forms(parsed) if parsed else []:
                label = _label_before(text, form)
                if label:
                    learned[f"{field}_label"] = label
                    if order != "YMD" and parsed.day != parsed.month:
                        learned["date_order"] = order
                    break
        else:
            forms = _amount_forms(value) if field == "total" else [value]
            for form in forms:
                label = _label_before(text, form)
                if label:
                    learned[f"{field}_label"] = label
                    break
    elif field == "currency" and re.fullmatch(r"[A-Za-z]{3}", value):
        learned["currency"] = value.upper()
    elif field == "supplier_name":
        learned["supplier_name"] = value
    if not learned:
        return None

    key = keys[0]
    hints, _ = SupplierHints.objects.select_for_update().get_or_create(
        company_id=document.company_id,
        key=key,
        defaults={"supplier_id": document.supplier_id},
    )
    for hint_key, hint_value in learned.items():
        if hint_key.endswith("_label"):
            labels = [hint_value] + [
                x for x in _as_list(hints.hints.get(hint_key)) if x.casefold() != hint_value.casefold()
            ]
            hints.hints[hint_key] = labels[:MAX_LABELS]
        else:
            hints.hints[hint_key] = hint_value
        ids = [d for d in hints.learned_from.get(hint_key, []) if d != document.pk] + [document.pk]
        hints.learned_from[hint_key] = ids[-MAX_LEARNED_FROM:]
    hints.supplier_name = str(document.supplier or fields.get("supplier_name") or hints.supplier_name)[:255]
    if document.supplier_id and not hints.supplier_id:
        hints.supplier_id = document.supplier_id
    hints.save()
    audit_record(
        target=document,
        verb="learn",
        actor=actor,
        actor_label="" if actor else "extraction",
        message=f"Learned from the correction of {field.replace('_', ' ')} for {hints.supplier_name or key}",
        data={"field": field, "learned": learned, "key": key},
    )
    return hints


def _learn_on_page(document: Document, field: str, value: str) -> dict[str, Any]:
    """Where the corrected value stands on the PDF's page: its label and position (text layer only)."""
    if field not in PAGE_LEARNABLE:
        return {}
    try:
        with document.original.open("rb") as fh:
            data = fh.read()
    except (OSError, ValueError):
        return {}
    if not data.lstrip()[:5].startswith(b"%PDF"):
        return {}
    try:
        return hints_from_correction(page_model(data), field, value)
    except ExtractionError:
        return {}


def _as_list(v) -> list[str]:
    if not v:
        return []
    return [v] if isinstance(v, str) else [str(x) for x in v]
