"""Reads for the review screen and the document detail API: problems per field, suggestions, choices."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from bookkeeping.models import Dimension, FinanceAccount, Project, TaxRate
from documents.choices import CODED_STATUSES
from documents.coding import AMOUNT_FIELDS
from documents.duplicates.selectors import Suspicion, duplicate_suspicions_for
from documents.models import Document
from documents.problems import document_problems, problems_by_field

# Documents whose coding a person has confirmed: what suggestions learn from.
SUGGESTED_FIELDS = {"project": Project, "finance_account": FinanceAccount, "tax_rate": TaxRate}


def field_problems(document: Document) -> dict[str, list[str]]:
    """field name → reasons it needs a look; the same checks as the lists' problem summary."""
    return problems_by_field(document_problems(document))


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


def coding_choices(company, document: Document | None = None) -> dict[str, Any]:
    """Active background data for the coding form's selects, plus the document's own choice when Scoro
    no longer has it active (shown marked, never as "—" beside "set by rule")."""

    def own(name: str) -> Q:
        return Q(pk=getattr(document, f"{name}_id", None)) if document is not None else Q(pk__in=[])

    return {
        "projects": Project.objects.for_company(company).filter(Q(is_active=True) | own("project")),
        "finance_accounts": FinanceAccount.objects.for_company(company).filter(
            Q(is_active=True, is_purchases=True) | own("finance_account")
        ),
        "tax_rates": TaxRate.objects.for_company(company).filter(Q(is_active=True) | own("tax_rate")),
        "dimensions": Dimension.objects.for_company(company).filter(is_active=True).select_related("group"),
    }


def review_duplicates(document: Document) -> list[Suspicion]:
    """The documents this one may be a copy of (or that may be copies of it), with the reason."""
    return duplicate_suspicions_for(document, limit=5)


def source_label(document: Document, name: str) -> str:
    """ "set by rule: Cloud hosting" for coding a rule or suggestion set; "" for a person's choice."""
    source = (document.coding_sources or {}).get(name)
    if not isinstance(source, dict):
        return ""
    kind = source.get("kind", "")
    label = source.get("label", "")
    return f"set by {kind}: {label}" if label else f"set by {kind}"
