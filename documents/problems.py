"""What needs a person's look on a document: one set of checks for the review screen, the lists and the API.

The review screen shows the problems per field; an Inbox row shows a short summary of the same list,
so a row never says "OK" while the review screen warns. Each problem is listed once.

The checks:
- extraction warnings (inconsistent values, guessed fields), minus those a person has since corrected
  and minus arithmetic that is re-checked on the values as they are now;
- fields read with a confidence below `LOW_CONFIDENCE` (the calibrated line: below it, a value is
  wrong often enough that a person should look);
- totals that do not reconcile and lines whose quantity × price is not their total (current values);
- a possible duplicate (an exact copy linked at intake, or an open pair of documents.duplicates);
- a bill asking to be paid to a bank account its supplier never used (publishing waits for a second
  admin; this replaces extraction's warning about it, which was written before anyone could confirm);
- coding that recording needs and that is missing;
- VAT that does not fit the coded tax rate.

Lists prefetch the lines and pass what they already know (`duplicate`, `recording_required`), so a
page of rows costs no query per row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bookkeeping.bank_accounts import format_iban
from documents.choices import OPEN_STATUSES
from documents.choices import DocumentStatus as S
from documents.coding import recording_required_for
from documents.duplicates.selectors import has_open_duplicate
from documents.models import Document
from documents.readiness import (
    TOLERANCE,
    bank_check,
    line_label,
    line_problems,
    missing_coding,
    totals_problem,
    totals_warnings,
)

# Confidences are calibrated (extraction): below this line a value is wrong often enough to check it.
LOW_CONFIDENCE = 0.9
# The review screen checks these on the values as they are now (they may have been corrected since).
LINE_ARITHMETIC = re.compile(r"^line \d+\b.* × ", re.I)
TOTALS_ARITHMETIC = re.compile(r"^(subtotal\b.*\btax\b|lines add up)", re.I)
# Which fields an extraction warning is about, by the words it starts with.
WARNING_FIELDS: list[tuple[re.Pattern, tuple[str, ...]]] = [
    (re.compile(r"^subtotal", re.I), ("total",)),
    (re.compile(r"^lines add up", re.I), ("total",)),
    (LINE_ARITHMETIC, ("lines",)),
    (re.compile(r"^(tax|vat) (total|lines)", re.I), ("tax_total",)),
    (re.compile(r"^iban", re.I), ("iban",)),
    (re.compile(r"^vat number", re.I), ("supplier_vat_no",)),
    (re.compile(r"^issue date", re.I), ("issue_date",)),
    (re.compile(r"^due date", re.I), ("due_date",)),
    (re.compile(r"^(the )?total", re.I), ("total",)),
    (re.compile(r"^currency", re.I), ("currency",)),
    (re.compile(r"^supplier", re.I), ("supplier_name",)),
    (re.compile(r"^(invoice )?number", re.I), ("invoice_number",)),
]
# How people write the field names (for messages such as "Low confidence: IBAN").
FIELD_NAMES = {
    "supplier_name": "supplier",
    "supplier_vat_no": "VAT number",
    "supplier_reg_no": "registration no.",
    "buyer_name": "buyer",
    "invoice_number": "number",
    "issue_date": "date",
    "due_date": "due date",
    "currency": "currency",
    "subtotal": "subtotal",
    "tax_total": "tax",
    "total": "total",
    "iban": "IBAN",
    "po_number": "PO number",
}
# Extraction's note that the IBAN is not the supplier's: the live bank account check says it now.
IBAN_MISMATCH_WARNING = re.compile(r"^The bank account .* differs from the one known for ")
# What the checks read, for lists to prefetch (lines; the supplier's bank accounts).
LIST_PREFETCH = ("lines", "supplier__bank_accounts")


@dataclass(frozen=True)
class Problem:
    field: str  # the field it is about; "_document" for the document as a whole
    kind: str  # warning | confidence | totals | line | duplicate | coding | vat | bank_account
    message: str  # a sentence, shown on the review screen
    short: str  # a few words, shown in a list row


def field_label(name: str) -> str:
    return FIELD_NAMES.get(name, name.replace("_", " "))


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _warning_text(warning: Any) -> tuple[str, tuple[str, ...]]:
    if isinstance(warning, dict):
        fields = warning.get("fields") or ([warning["field"]] if warning.get("field") else [])
        return str(warning.get("message", "")), tuple(fields)
    text = str(warning)
    for pattern, fields in WARNING_FIELDS:
        if pattern.search(text):
            return text, fields
    return text, ()


def _short_warning(text: str, fields: tuple[str, ...]) -> str:
    if fields:
        return f"check {field_label(fields[0])}"
    return text if len(text) <= 40 else text[:39] + "…"


def vat_check(document: Document) -> str:
    """ "tax 30.00 does not fit 22% of 100.00 (22.00)" when the coded tax rate does not explain the
    tax amount, or "". Lines coded with their own rates are checked by their own rates, so then no."""
    rate = document.tax_rate if document.tax_rate_id else None
    if rate is None or document.subtotal is None or document.tax_total is None:
        return ""
    lines = list(document.lines.all())
    if any(line.tax_rate_id and line.tax_rate_id != document.tax_rate_id for line in lines):
        return ""
    expected = (document.subtotal * rate.percent / Decimal(100)).quantize(Decimal("0.01"))
    # Rounding per line can move the tax by a cent per line.
    if abs(expected - document.tax_total) <= TOLERANCE + Decimal("0.01") * len(lines):
        return ""
    return (
        f"tax {document.tax_total:.2f} does not fit {rate.percent.normalize():f}% of "
        f"{document.subtotal:.2f} ({expected:.2f})"
    )


def document_problems(
    document: Document,
    *,
    duplicate: bool | None = None,
    recording_required: bool | None = None,
) -> list[Problem]:
    """Every problem of `document`, each once, in the order the review screen lists them.

    `duplicate` (whether it may be a copy) and `recording_required` (the company's setting) are
    looked up when not given; lists prefetch `lines` and `tax_rate` (see `LIST_PREFETCH`).
    """
    found: list[Problem] = []
    seen: set[str] = set()

    def add(field: str, kind: str, message: str, short: str) -> None:
        message = _sentence(message)
        key = message.lower()
        if key in seen:
            return
        seen.add(key)
        found.append(Problem(field=field, kind=kind, message=message, short=short))

    if duplicate is None:
        duplicate = bool(document.duplicate_of_id) or has_open_duplicate(document)
    if duplicate:
        add("_document", "duplicate", "Possible duplicate of another document", "possible duplicate")

    corrected = set(document.corrected_fields or [])
    for warning in document.warnings or []:
        text, fields = _warning_text(warning)
        if not text or corrected & set(fields):
            continue  # a person has since looked at and corrected the value it is about
        if (
            LINE_ARITHMETIC.search(text)
            or TOTALS_ARITHMETIC.search(text)
            or IBAN_MISMATCH_WARNING.search(text)
        ):
            continue  # re-checked below on the values as they are now
        for name in fields or ("_document",):
            add(name, "warning", text, _short_warning(text, fields))

    bank = bank_check(document) if document.status != S.PUBLISHED else None
    if bank is not None and bank.state == "new":
        add(
            "iban",
            "bank_account",
            f"New bank account for {document.supplier} needs confirmation by a second admin: "
            f"{format_iban(bank.iban)} is not the account on file "
            f"({', '.join(format_iban(k) for k in bank.known)}). Changed bank details are the classic "
            "invoice-fraud pattern: check with the supplier by phone, not by answering the invoice's e-mail",
            "new bank account",
        )
    elif bank is not None and bank.state == "rejected":
        add(
            "iban",
            "bank_account",
            f"The bank account {format_iban(bank.iban)} was rejected as {document.supplier}'s: correct the "
            "IBAN or delete the document",
            "rejected bank account",
        )

    problem = totals_problem(document)
    if problem:
        add("total", "totals", problem, "totals do not add up" if document.total is not None else "no total")
    for warning in totals_warnings(document):
        add("total", "warning", warning, "check the totals")
    for line, problem in line_problems(document):
        add("lines", "line", f"{line_label(line)}: {problem}", f"line {line.position} does not add up")
    problem = vat_check(document)
    if problem:
        add("tax_total", "vat", problem, "VAT does not fit")

    values = document.fields or {}
    for name, score in (document.confidence or {}).items():
        if name in corrected or "[" in name or not isinstance(score, (int, float)):
            continue  # a per-line score ("lines[0]") comes with its own line check
        if score < LOW_CONFIDENCE and values.get(name) not in (None, "", []):
            add(
                name,
                "confidence",
                f"Low confidence in the {field_label(name)} ({score:.0%}): please check",
                f"unsure {field_label(name)}",
            )

    if document.status in OPEN_STATUSES and document.status != S.EXTRACTING:
        if recording_required is None:
            recording_required = recording_required_for(document.company)
        missing = missing_coding(document, full=recording_required)
        if missing and document.status != S.RECEIVED:
            short = "no supplier" if missing == ["supplier"] else "coding missing"
            add("_coding", "coding", f"Missing {', '.join(missing)}", short)
    return found


def problems_by_field(problems: list[Problem]) -> dict[str, list[str]]:
    """field name → messages, for the review screen and the document detail API."""
    grouped: dict[str, list[str]] = {}
    for problem in problems:
        if problem.kind in ("duplicate", "coding"):
            continue  # the review screen shows these in their own places
        grouped.setdefault(problem.field, []).append(problem.message)
    return grouped


def problem_summary(problems: list[Problem], *, limit: int = 2) -> str:
    """ "duplicate, unsure currency +2": a list row's summary."""
    shorts = list(dict.fromkeys(p.short for p in problems))
    text = ", ".join(shorts[:limit])
    text = text[:1].upper() + text[1:]
    return f"{text} +{len(shorts) - limit}" if len(shorts) > limit else text
