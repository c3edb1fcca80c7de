"""Reads for the review screen and the document detail API: problems per field, suggestions, choices."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from bookkeeping.models import Dimension, FinanceAccount, Project, TaxRate
from documents.choices import DocumentStatus as S
from documents.coding import (
    AMOUNT_FIELDS,
    duplicate_candidates,
    line_label,
    line_problems,
    totals_problem,
)
from documents.models import Document

LOW_CONFIDENCE = 0.6
# Documents whose coding a person has confirmed: what suggestions learn from.
CODED_STATUSES = (S.IN_APPROVAL, S.READY, S.QUEUED, S.PUBLISHING, S.PUBLISHED, S.PUBLISH_FAILED)
SUGGESTED_FIELDS = {"project": Project, "finance_account": FinanceAccount, "tax_rate": TaxRate}

# "Line 1 (Hosting): 1 × 1100.00 = 1100.00 but the line total says 100.00" from the engine; the
# review screen checks the lines as they are now instead (they may have been corrected since).
LINE_ARITHMETIC = re.compile(r"^line \d+\b.* × ", re.I)
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


def _warning_text(warning: Any) -> tuple[str, tuple[str, ...]]:
    if isinstance(warning, dict):
        fields = warning.get("fields") or ([warning["field"]] if warning.get("field") else [])
        return str(warning.get("message", "")), tuple(fields)
    text = str(warning)
    for pattern, fields in WARNING_FIELDS:
        if pattern.search(text):
            return text, fields
    return text, ()


def field_problems(document: Document) -> dict[str, list[str]]:
    """field name → reasons it needs a look (inconsistent values, low confidence)."""
    problems: dict[str, list[str]] = {}
    corrected = set(document.corrected_fields or [])
    for warning in document.warnings or []:
        text, fields = _warning_text(warning)
        if corrected & set(fields):
            continue  # a person has since looked at and corrected the value it is about
        if LINE_ARITHMETIC.search(text):
            continue  # the lines as they are now are checked below
        for name in fields or ("_document",):
            problems.setdefault(name, []).append(text)
    for name, score in (document.confidence or {}).items():
        if name in corrected or not isinstance(score, (int, float)):
            continue
        if score < LOW_CONFIDENCE and (document.fields or {}).get(name) not in (None, "", []):
            problems.setdefault(name, []).append(f"Low confidence ({score:.0%}): please check.")
    for line, problem in line_problems(document):
        label = line_label(line)
        problems.setdefault("lines", []).append(f"{label[0].upper()}{label[1:]}: {problem}.")
    if document.status == S.TO_REVIEW:
        problem = totals_problem(document)
        if problem and not any(problem.lower() in r.lower() for r in problems.get("total", [])):
            for name in ("total",):
                problems.setdefault(name, []).append(problem[0].upper() + problem[1:] + ".")
    return problems


def problem_count(document: Document) -> int:
    """For lists: the number of warnings plus low-confidence fields (no extra queries)."""
    corrected = set(document.corrected_fields or [])
    low = sum(
        1
        for name, score in (document.confidence or {}).items()
        if isinstance(score, (int, float))
        and score < LOW_CONFIDENCE
        and name not in corrected
        and "[" not in name  # a per-line score ("lines[0]") comes with its own warning
    )
    return len(document.warnings or []) + low


def overall_confidence(document: Document) -> float | None:
    scores = [
        s
        for name, s in (document.confidence or {}).items()
        if isinstance(s, (int, float))
        and name in ("supplier_name", "invoice_number", "issue_date", *AMOUNT_FIELDS)
    ]
    return min(scores) if scores else None


@dataclass
class Suggestion:
    field: str
    value: Any
    count: int
    total: int

    @property
    def label(self) -> str:
        return self.field.replace("_", " ")


def coding_suggestions(document: Document) -> list[Suggestion]:
    """For the document's supplier: the project, account and tax rate most often used, with counts."""
    if document.supplier_id is None:
        return []
    history = (
        Document.objects.for_company(document.company)
        .filter(supplier_id=document.supplier_id, status__in=CODED_STATUSES)
        .exclude(pk=document.pk)
    )
    suggestions = []
    for name, model in SUGGESTED_FIELDS.items():
        rows = list(
            history.exclude(**{f"{name}__isnull": True})
            .values(f"{name}_id")
            .annotate(n=Count("id"))
            .order_by("-n", f"{name}_id")[:1]
        )
        if not rows or rows[0][f"{name}_id"] == getattr(document, f"{name}_id"):
            continue
        value = model.objects.for_company(document.company).filter(pk=rows[0][f"{name}_id"]).first()
        if value is not None and value.is_active:
            total = history.count()
            suggestions.append(Suggestion(field=name, value=value, count=rows[0]["n"], total=total))
    return suggestions


def coding_choices(company) -> dict[str, Any]:
    """Active background data for the coding form's selects."""
    return {
        "projects": Project.objects.for_company(company).filter(is_active=True),
        "finance_accounts": FinanceAccount.objects.for_company(company).filter(
            is_active=True, is_purchases=True
        ),
        "tax_rates": TaxRate.objects.for_company(company).filter(is_active=True),
        "dimensions": Dimension.objects.for_company(company).filter(is_active=True).select_related("group"),
    }


def review_duplicates(document: Document) -> list[Document]:
    return list(duplicate_candidates(document)[:5])


def source_label(document: Document, name: str) -> str:
    """ "set by rule: Cloud hosting" for coding a rule or suggestion set; "" for a person's choice."""
    source = (document.coding_sources or {}).get(name)
    if not isinstance(source, dict):
        return ""
    kind = source.get("kind", "")
    label = source.get("label", "")
    return f"set by {kind}: {label}" if label else f"set by {kind}"
