"""Reads for the Overview dashboard.

Everything is aggregated in the database and the number of queries does not depend on the number
of documents, projects or days: one aggregate over the company's documents (status counts, work
waiting for the user, extraction accuracy, publishing failures), one grouped query per chart, a
couple of short lists, the approvals count and the Scoro API call counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, DateField, Q, Sum
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import Company
from approvals.selectors import approval_pending_count
from documents.choices import CODED_STATUSES, FIELD_LABELS, SPEND_STATUSES, DocumentType
from documents.choices import DocumentStatus as S
from documents.models import Document
from documents.selectors import signed_total
from rules.services import paused_rules
from scoro_sync.models import ApiCallCount, ScoroConnection
from scoro_sync.services import scoro_today

# Header fields of the extraction schema (shared/eval) that a person can correct on review.
EXTRACTED_FIELDS: tuple[str, ...] = (
    "supplier_name",
    "supplier_vat_no",
    "supplier_reg_no",
    "buyer_name",
    "invoice_number",
    "po_number",
    "iban",
    "issue_date",
    "due_date",
    "currency",
    "total",
    "subtotal",
    "tax_total",
)
# A person has looked at (and possibly corrected) the document's fields once it left review.
# Spend is what the company has accepted: approved (or needing no approval) and later.
SPEND_TYPES = (DocumentType.PURCHASE_INVOICE, DocumentType.RECEIPT)
SPEND_MONTHS = 12
TOP_PROJECTS = 8
API_CALL_DAYS = 14
LIST_LIMIT = 5


@dataclass
class FieldAccuracy:
    name: str
    label: str
    extracted: int
    changed: int

    @property
    def accuracy(self) -> float | None:
        return None if not self.extracted else 1 - self.changed / self.extracted

    @property
    def percent(self) -> float | None:
        return None if self.accuracy is None else round(self.accuracy * 100, 1)


@dataclass
class Overview:
    currency: str
    status_counts: list[dict]  # [{"status", "label", "count"}] in workflow order
    total_documents: int
    waiting_review: int  # documents assigned to the user, to review
    waiting_approvals: int | None  # approval steps waiting for the user's decision (None: approvals absent)
    waiting_documents: list[dict]
    failures_count: int
    failures: list[dict]
    accuracy: FieldAccuracy  # all fields together
    accuracy_by_field: list[FieldAccuracy]
    reviewed_documents: int
    spend_by_month: list[dict]  # [{"month": date, "label", "total": Decimal}]
    spend_by_project: list[dict]  # [{"project", "total": Decimal}]
    spend_total: Decimal
    spend_other_currency: int  # spend documents left out because they are in another currency
    api_calls_today: int
    api_call_budget: int
    api_calls_by_day: list[dict]  # [{"day": date, "calls": int}]
    scoro_state: str = ""
    paused_rules: list[dict] = field(default_factory=list)  # [{"pk", "name"}]: targets inactive in Scoro

    @property
    def waiting_total(self) -> int:
        return self.waiting_review + (self.waiting_approvals or 0)

    @property
    def api_calls_share(self) -> float:
        return self.api_calls_today / self.api_call_budget if self.api_call_budget else 0.0

    @property
    def api_calls_percent(self) -> float:
        return round(min(self.api_calls_share, 1.0) * 100, 1)


def _present(name: str) -> Q:
    """The document has a value for extracted field `name` (not missing, null or empty)."""
    return Q(fields__has_key=name) & ~Q(**{f"fields__{name}": None}) & ~Q(**{f"fields__{name}": ""})


def _document_url(pk: int) -> str | None:
    """The document's page, when the review screen exists (another capability owns it)."""
    for name in ("documents:review", "documents:detail"):
        try:
            return reverse(name, args=[pk])
        except NoReverseMatch:
            continue
    return None


def _approvals_waiting(*, user, company: Company) -> int | None:
    return approval_pending_count(user=user, company=company)


def _month_start(day: date, months_back: int) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def _document_row(d: dict) -> dict:
    return {**d, "url": _document_url(d["id"]), "label": d["supplier_name"] or d["filename"]}


def overview_for(*, user, company: Company, can_review: bool = True, today: date | None = None) -> Overview:
    today = today or timezone.localdate()
    documents = Document.objects.for_company(company)
    currency = company.currency

    # 1. One aggregate: statuses, the user's review queue, failures, spend outside the company currency
    #    and, per extracted field, how often it had a value and how often a person changed it.
    reviewed = Q(status__in=CODED_STATUSES)
    # What this person can act on now: documents to review (or rejected back to review) that are
    # theirs or nobody's yet, for those who review; approvals are counted apart.
    waiting = (
        Q(status__in=(S.TO_REVIEW, S.REJECTED)) & (Q(assigned_to=user) | Q(assigned_to__isnull=True))
        if can_review
        else Q(pk__in=[])
    )
    in_company_currency = Q(currency="") | Q(currency__iexact=currency)
    spend = Q(status__in=SPEND_STATUSES, type__in=SPEND_TYPES, total__isnull=False)
    aggregates = {f"status_{s}": Count("id", filter=Q(status=s)) for s in S.values}
    aggregates["waiting_review"] = Count("id", filter=waiting)
    aggregates["reviewed"] = Count("id", filter=reviewed)
    aggregates["other_currency"] = Count("id", filter=spend & ~in_company_currency)
    for name in EXTRACTED_FIELDS:
        present = reviewed & _present(name)
        aggregates[f"x_{name}"] = Count("id", filter=present)
        # Text match on the quoted name: JSON containment is not available on SQLite (the demo).
        aggregates[f"c_{name}"] = Count("id", filter=present & Q(corrected_fields__icontains=f'"{name}"'))
    totals = documents.aggregate(**aggregates)

    status_counts = [
        {"status": value, "label": label, "count": totals[f"status_{value}"]} for value, label in S.choices
    ]
    by_field = [
        FieldAccuracy(
            name=name,
            label=FIELD_LABELS.get(name, name.replace("_", " ").capitalize()),
            extracted=totals[f"x_{name}"],
            changed=totals[f"c_{name}"],
        )
        for name in EXTRACTED_FIELDS
    ]
    overall = FieldAccuracy(
        name="all",
        label="All fields",
        extracted=sum(f.extracted for f in by_field),
        changed=sum(f.changed for f in by_field),
    )

    # 2. Spend per month and per project, in the company currency, dated by the invoice date
    #    (the day it arrived when the date is unknown).
    start = _month_start(today, SPEND_MONTHS - 1)
    spend_docs = (
        documents.filter(spend & in_company_currency)
        .annotate(day=Coalesce("issue_date", TruncDate("received_at"), output_field=DateField()))
        .filter(day__gte=start, day__lte=today)
    )
    per_month = {
        row["month"]: row["total"]
        for row in spend_docs.annotate(month=TruncMonth("day", output_field=DateField()))
        .values("month")
        .annotate(total=Sum(signed_total()))
        .order_by()
    }
    spend_by_month = []
    for back in range(SPEND_MONTHS - 1, -1, -1):
        month = _month_start(today, back)
        spend_by_month.append(
            {"month": month, "label": f"{month:%b %y}", "total": per_month.get(month) or Decimal("0")}
        )
    per_project = list(
        spend_docs.values("project_id", "project__name")
        .annotate(total=Sum(signed_total()))
        .order_by("-total")
    )
    spend_by_project = [
        {"project": row["project__name"] or "No project", "total": row["total"]}
        for row in per_project[:TOP_PROJECTS]
    ]
    rest = sum((row["total"] for row in per_project[TOP_PROJECTS:]), Decimal("0"))
    if rest:
        spend_by_project.append({"project": "Other projects", "total": rest})

    # 3. Short lists: what waits for the user, and what failed to publish.
    list_fields = ("id", "supplier_name", "invoice_number", "filename", "total", "currency")
    waiting_documents = [
        _document_row(d)
        for d in documents.filter(waiting)
        .order_by("received_at", "id")
        .values(*list_fields, "received_at")[:LIST_LIMIT]
    ]
    failures = [
        _document_row(d)
        for d in documents.filter(status=S.PUBLISH_FAILED)
        .order_by("-updated_at", "-id")
        .values(*list_fields, "updated_at")[:LIST_LIMIT]
    ]

    # 4. Scoro: API calls per (UTC) day against the plan's daily limit.

    utc_today = scoro_today()
    first_day = utc_today - timedelta(days=API_CALL_DAYS - 1)
    calls = dict(
        ApiCallCount.objects.for_company(company)
        .filter(day__gte=first_day, day__lte=utc_today)
        .values_list("day", "calls")
    )
    connection = ScoroConnection.objects.for_company(company).only("state", "daily_call_budget").first()
    budget = connection.daily_call_budget if connection else settings.SCORO_DAILY_CALL_BUDGET

    return Overview(
        currency=currency,
        status_counts=status_counts,
        total_documents=sum(row["count"] for row in status_counts),
        waiting_review=totals["waiting_review"],
        waiting_approvals=_approvals_waiting(user=user, company=company),
        waiting_documents=waiting_documents,
        failures_count=totals[f"status_{S.PUBLISH_FAILED}"],
        failures=failures,
        accuracy=overall,
        accuracy_by_field=by_field,
        reviewed_documents=totals["reviewed"],
        spend_by_month=spend_by_month,
        spend_by_project=spend_by_project,
        spend_total=sum((m["total"] for m in spend_by_month), Decimal("0")),
        spend_other_currency=totals["other_currency"],
        api_calls_today=calls.get(utc_today, 0),
        api_call_budget=budget,
        api_calls_by_day=[
            {"day": first_day + timedelta(days=n), "calls": calls.get(first_day + timedelta(days=n), 0)}
            for n in range(API_CALL_DAYS)
        ],
        scoro_state=connection.get_state_display() if connection else "Not connected",
        paused_rules=list(paused_rules(company).order_by("position", "id").values("pk", "name")),
    )


def chart_payload(overview: Overview) -> dict:
    """The JSON the charts read (through json_script): labels and plain numbers only."""
    return {
        "currency": overview.currency,
        "statuses": {
            "labels": [row["label"] for row in overview.status_counts],
            "keys": [row["status"] for row in overview.status_counts],
            "values": [row["count"] for row in overview.status_counts],
        },
        "spendByMonth": {
            "labels": [row["label"] for row in overview.spend_by_month],
            "values": [float(row["total"]) for row in overview.spend_by_month],
        },
        "spendByProject": {
            "labels": [row["project"] for row in overview.spend_by_project],
            "values": [float(row["total"]) for row in overview.spend_by_project],
        },
        "apiCalls": {
            "labels": [f"{row['day']:%d %b}" for row in overview.api_calls_by_day],
            "values": [row["calls"] for row in overview.api_calls_by_day],
            "budget": overview.api_call_budget,
        },
    }
