"""Reads of documents. Permission-aware: the only way views and the API obtain documents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, F, Q, QuerySet, When
from django.db.models.expressions import Expression

from accounts.roles import role_can
from audit.models import AuditEvent
from core.validation import MAX_ID
from documents.choices import DocumentStatus
from documents.models import Document, ExpenseReport


def signed_total() -> Expression:
    """`Document.signed_total` in SQL, for sums: a credit note stated positive counts negative."""
    return Case(
        When(fields__einvoice__credit_note=True, total__gte=0, then=-F("total")),
        default=F("total"),
    )


def document_queryset_for(*, membership) -> QuerySet[Document]:
    """Documents the member may see: all of the company's, or an employee's own uploads."""
    if membership is None:
        return Document.objects.none()
    qs = Document.objects.for_company(membership.company)
    if not role_can(membership.role, "documents.view_all"):
        qs = qs.filter(Q(uploaded_by=membership.user) | Q(expense_report__employee=membership.user))
    return qs


def document_list(*, membership, filters: dict | None = None) -> QuerySet[Document]:
    """The member's documents filtered as the lists and the API filter them; no joins or column
    choices here: each caller selects what its rows show (see documents.views / documents.api).

    `q` searches supplier name, invoice number, file name and note case-insensitively; on
    PostgreSQL trigram indexes serve it (migration documents 0002).
    """
    filters = filters or {}
    qs = document_queryset_for(membership=membership)
    if filters.get("status"):
        qs = qs.filter(status__in=str(filters["status"]).split(","))
    if filters.get("type"):
        qs = qs.filter(type__in=str(filters["type"]).split(","))
    if filters.get("supplier"):
        supplier = str(filters["supplier"]).strip()
        if supplier.isdigit():
            # An id; digits beyond any id match nothing (rather than overflowing the query).
            qs = qs.filter(supplier_id=int(supplier)) if int(supplier) <= MAX_ID else qs.none()
        else:
            qs = qs.filter(supplier_name__icontains=supplier)
    if filters.get("q"):
        q = filters["q"]
        qs = qs.filter(
            Q(supplier_name__icontains=q) | Q(invoice_number__icontains=q) | Q(filename__icontains=q)
            | Q(note__icontains=q)
        )  # fmt: skip
    if filters.get("date_from"):
        qs = qs.filter(issue_date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(issue_date__lte=filters["date_to"])
    return qs


def expense_report_queryset_for(*, membership) -> QuerySet[ExpenseReport]:
    if membership is None:
        return ExpenseReport.objects.none()
    qs = ExpenseReport.objects.for_company(membership.company)
    if not role_can(membership.role, "documents.view_all"):
        qs = qs.filter(employee=membership.user)
    return qs


@dataclass(frozen=True)
class Rejection:
    """Why a document was rejected, by whom and when (from the audit trail of the rejection)."""

    reason: str
    by: str
    at: dt.datetime

    def as_dict(self) -> dict:
        return {"reason": self.reason, "by": self.by, "at": self.at.isoformat()}


def rejections_for(*, company, documents: Iterable[Document]) -> dict[int, Rejection]:
    """document id → its latest rejection, for those of `documents` that are rejected; one query."""
    ids = [d.pk for d in documents if d.status == DocumentStatus.REJECTED]
    if not ids:
        return {}
    events = (
        AuditEvent.objects.for_company(company)
        .filter(
            target_type=ContentType.objects.get_for_model(Document),
            target_id__in=ids,
            to_state=DocumentStatus.REJECTED,
        )
        .select_related("actor")
        .order_by("created_at", "id")
    )
    found: dict[int, Rejection] = {}
    for event in events:  # oldest first: the latest rejection wins
        reason = (event.data or {}).get("reason") or event.message.removeprefix("Rejected: ")
        found[event.target_id] = Rejection(reason=reason, by=event.who, at=event.created_at)
    return found


def rejection_for(document: Document) -> Rejection | None:
    return rejections_for(company=document.company, documents=[document]).get(document.pk)


@dataclass(frozen=True)
class Waiting:
    """A document waiting for extraction: since when, and how many documents wait ahead of it."""

    since: dt.datetime
    ahead: int


def _before(document: Document) -> Q:
    return Q(received_at__lt=document.received_at) | Q(received_at=document.received_at, pk__lt=document.pk)


def extraction_waiting(documents: Iterable[Document]) -> dict[int, Waiting]:
    """For each of `documents` still waiting for extraction, its place in the line, in one query.

    The extraction queue is first come, first served for every company, so "ahead" counts the waiting
    documents of every company that arrived earlier (a count, never which). Served by the partial index
    documents_waiting_idx: the cost grows with the backlog, not with the table.
    """
    waiting = [d for d in documents if d.status == DocumentStatus.RECEIVED]
    if not waiting:
        return {}
    last = max(waiting, key=lambda d: (d.received_at, d.pk))
    counts = (
        Document.objects.filter(status=DocumentStatus.RECEIVED)
        .filter(_before(last) | Q(pk=last.pk))
        .aggregate(**{f"d{d.pk}": Count("pk", filter=_before(d)) for d in waiting})
    )
    return {d.pk: Waiting(since=d.received_at, ahead=counts[f"d{d.pk}"]) for d in waiting}
