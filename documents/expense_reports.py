"""Expense reports: an employee's receipts for a period and one project, submitted together.

A report's receipts are its lines. The report's project applies to every receipt unless the receipt
has its own (set in review). Paid by the employee means the total is reimbursable.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Membership
from accounts.roles import role_can
from accounts.selectors import member_of
from audit.services import audit_record
from bookkeeping.models import DimensionGroup, Project
from core.errors import InvalidTransition, NotPermitted, ValidationFailed
from core.hooks import Happened, announce
from core.parsing import clean_date
from core.validation import InputError, parse_id
from documents.choices import DocumentSource, DocumentStatus, DocumentType, ExpenseReportStatus, PaidBy
from documents.coding import check_version, document_update
from documents.expense_report_checks import expense_report_totals, receipts_waiting, waiting_message
from documents.models import Document, ExpenseReport
from documents.selectors import expense_report_queryset_for
from documents.services import document_upload
from documents.state import report_transition

EDITABLE = (ExpenseReportStatus.DRAFT, ExpenseReportStatus.REJECTED)
# Accountants still code receipts (per-line projects) while a report waits for them.
REVIEWABLE = (*EDITABLE, ExpenseReportStatus.SUBMITTED, ExpenseReportStatus.IN_APPROVAL)
LOCKED_RECEIPTS = (DocumentStatus.QUEUED, DocumentStatus.PUBLISHING, DocumentStatus.PUBLISHED)


CHANGE_DENIED = (
    "Only the report's employee (while it is a draft) and accountants or admins can change an expense report."
)


def expense_report_may_change(*, report: ExpenseReport, membership: Membership) -> bool:
    """Accountants and admins change any report; the employee their own (and only while it is a
    draft: each change checks the status too, answering 409 for a submitted report)."""
    return role_can(membership.role, "documents.code") or report.employee_id == membership.user_id


def _require_may_change(report: ExpenseReport, membership: Membership | None) -> None:
    if membership is not None and not expense_report_may_change(report=report, membership=membership):
        raise NotPermitted(CHANGE_DENIED)


def _ids(values, *, name: str) -> set[int]:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise ValidationFailed(f"{name.capitalize()} must be a list of ids.", {"field": name})
    try:
        return {parse_id(v, name=name) for v in values if v not in (None, "")}
    except InputError as error:
        raise ValidationFailed(str(error), {"field": name}) from None


def project_on_expense_form(company) -> bool:
    """The project field shows on the expense form only when the Project group says so."""
    return DimensionGroup.objects.filter(
        company=company, name=DimensionGroup.PROJECT, show_on_expense_form=True
    ).exists()


def expense_report_list(*, membership) -> QuerySet[ExpenseReport]:
    zero = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))
    return (
        expense_report_queryset_for(membership=membership)
        .select_related("employee", "project")
        .annotate(
            receipt_count=Count("documents"),
            # In the company's currency only: a receipt without one is not counted as the company's.
            amount=Coalesce(
                Sum("documents__total", filter=Q(documents__currency=F("company__currency"))), zero
            ),
        )
    )


def _apply(report: ExpenseReport, data: dict[str, Any]) -> None:
    if "title" in data:
        report.title = (data["title"] or "").strip()[:200]
    for name in ("period_start", "period_end"):
        if name in data:
            setattr(report, name, clean_date(data[name], name=name))
    if "paid_by" in data:
        if data["paid_by"] not in PaidBy.values:
            raise ValidationFailed("Paid by must be the employee or a company card.", {"field": "paid_by"})
        report.paid_by = data["paid_by"]
    if "project" in data:
        value = data["project"]
        report.project = None
        if value not in (None, ""):
            try:
                pk = parse_id(value, name="project")
            except InputError:
                pk = None
            report.project = Project.objects.for_company(report.company).filter(pk=pk).first() if pk else None
            if report.project is None:
                raise ValidationFailed(f"Unknown project: {str(value)[:40]}.", {"field": "project"})
    if not report.title:
        raise ValidationFailed("Give the report a title.", {"field": "title"})
    if report.period_start and report.period_end and report.period_start > report.period_end:
        raise ValidationFailed("The period ends before it starts.", {"field": "period_end"})


def _employee_for(*, company, membership: Membership, employee_id: Any):
    """Employees report for themselves; accountants and admins may create a report for a member."""
    try:
        employee_id = parse_id(employee_id, name="employee")
    except InputError as error:
        raise ValidationFailed(str(error), {"field": "employee"}) from None
    if employee_id is None or employee_id == membership.user_id:
        return membership.user
    if not role_can(membership.role, "documents.code"):
        raise ValidationFailed("You can only create reports for yourself.", {"field": "employee"})
    other = member_of(company=company, user_id=employee_id)
    if other is None:
        raise ValidationFailed("That person is not a member of this company.", {"field": "employee"})
    return other.user


@transaction.atomic
def expense_report_create(*, membership: Membership, data: dict[str, Any], actor) -> ExpenseReport:
    company = membership.company
    report = ExpenseReport(
        company=company,
        employee=_employee_for(company=company, membership=membership, employee_id=data.get("employee")),
    )
    _apply(report, data)
    report.save()
    audit_record(
        target=report, verb="expense_report_created", actor=actor, message=f"Created {report.title}."
    )
    if data.get("documents"):
        expense_report_add_documents(
            report=report, document_ids=data["documents"], membership=membership, actor=actor
        )
    return report


@transaction.atomic
def expense_report_update(
    *,
    report: ExpenseReport,
    data: dict[str, Any],
    membership: Membership,
    actor,
    expected_version: int | str | None = None,
) -> ExpenseReport:
    """Change the header, the receipts (`documents`: the full list) and receipts' own projects
    (`lines`). With `expected_version`, a report someone else changed since is refused (409)."""
    report = ExpenseReport.objects.select_for_update().get(pk=report.pk)
    _require_may_change(report, membership)
    check_version(report, expected_version)
    changed = False
    header = {
        k: v for k, v in data.items() if k in ("title", "period_start", "period_end", "paid_by", "project")
    }
    if header:
        if report.status not in EDITABLE:
            raise InvalidTransition(f"A {report.get_status_display().lower()} report cannot be changed.")
        _apply(report, header)
        changed = True
        audit_record(
            target=report,
            verb="expense_report_changed",
            actor=actor,
            data={k: str(v) for k, v in header.items()},
        )
    if "documents" in data:
        wanted = _ids(data["documents"] or [], name="documents")
        current = set(report.documents.values_list("pk", flat=True))
        if wanted - current:
            expense_report_add_documents(
                report=report, document_ids=wanted - current, membership=membership, actor=actor
            )
        for pk in current - wanted:
            expense_report_remove_document(
                report=report, document=report.documents.get(pk=pk), membership=membership, actor=actor
            )
        changed |= wanted != current
    for line in data.get("lines") or []:
        if not isinstance(line, dict):
            raise ValidationFailed("Each line must be an object.", {"field": "lines"})
        pk = _ids([line.get("document")], name="lines")
        document = report.documents.filter(pk__in=pk).first()
        if document is None:
            raise ValidationFailed(
                f"Receipt {str(line.get('document'))[:40]} is not in this report.", {"field": "lines"}
            )
        expense_report_set_line_project(
            report=report, document=document, project=line.get("project"), membership=membership, actor=actor
        )
        changed = True
    if changed:
        report.version += 1
        report.save()
    return report


def receipts_available(*, report: ExpenseReport) -> QuerySet[Document]:
    """The employee's receipts in the inbox that are in no report yet."""
    return (
        Document.objects.for_company(report.company)
        .filter(uploaded_by=report.employee, expense_report__isnull=True, type=DocumentType.RECEIPT)
        .exclude(status__in=LOCKED_RECEIPTS)
        .order_by("-received_at")
    )


@transaction.atomic
def expense_report_add_documents(
    *, report: ExpenseReport, document_ids, membership: Membership, actor
) -> int:
    _require_may_change(report, membership)
    if report.status not in EDITABLE:
        raise InvalidTransition(
            f"Receipts cannot be added to a {report.get_status_display().lower()} report."
        )
    ids = _ids(document_ids, name="documents")
    visible = Document.objects.for_company(report.company).filter(pk__in=ids)
    if not role_can(membership.role, "documents.view_all"):
        visible = visible.filter(uploaded_by=membership.user)
    documents = list(
        visible.filter(Q(expense_report__isnull=True) | Q(expense_report=report)).exclude(
            status__in=LOCKED_RECEIPTS
        )
    )
    if len(documents) != len(ids):
        raise ValidationFailed(
            "Some of those receipts cannot be added (unknown, or in another report).", {"field": "documents"}
        )
    # A report holds receipts; anything else is refused rather than silently retyped (a purchase
    # invoice added by mistake would otherwise become a "receipt" and be published as one).
    others = [d for d in documents if d.type != DocumentType.RECEIPT]
    if others:
        raise ValidationFailed(
            "Only receipts can be added to an expense report; "
            + ", ".join(f"{d} is a {d.get_type_display().lower()}" for d in others[:5])
            + " (change its type in review first if it really is a receipt).",
            {"field": "documents"},
        )
    for document in documents:
        document.expense_report = report
        document.save(update_fields=["expense_report", "updated_at"])
        audit_record(
            target=document, verb="added_to_expense_report", actor=actor, message=f"Added to {report.title}."
        )
    return len(documents)


@transaction.atomic
def expense_report_remove_document(
    *, report: ExpenseReport, document: Document, membership: Membership | None, actor
) -> None:
    _require_may_change(report, membership)
    if report.status not in EDITABLE:
        raise InvalidTransition(
            f"Receipts cannot be removed from a {report.get_status_display().lower()} report."
        )
    document.expense_report = None
    document.save(update_fields=["expense_report", "updated_at"])
    audit_record(
        target=document,
        verb="removed_from_expense_report",
        actor=actor,
        message=f"Removed from {report.title}.",
    )


def expense_report_upload(
    *, report: ExpenseReport, data: bytes, filename: str, membership: Membership, actor
) -> list[Document]:
    """A new receipt uploaded straight into the report (intake checks and extraction as any upload)."""
    _require_may_change(report, membership)
    if report.status not in EDITABLE:
        raise InvalidTransition(
            f"Receipts cannot be added to a {report.get_status_display().lower()} report."
        )
    return document_upload(
        company=report.company,
        data=data,
        filename=filename,
        actor=actor,
        membership=membership,
        type=DocumentType.RECEIPT,
        expense_report=report,
        source=DocumentSource.BROWSER,
    )


def expense_report_set_line_project(
    *, report: ExpenseReport, document: Document, project: Any, membership: Membership, actor
) -> Document:
    """In review a receipt may get its own project (empty: the report's)."""
    if report.status not in REVIEWABLE:
        raise InvalidTransition(f"A {report.get_status_display().lower()} report cannot be changed.")
    if not role_can(membership.role, "documents.code") and report.status not in EDITABLE:
        raise NotPermitted("Only accountants and admins change projects of a submitted report.")
    _require_may_change(report, membership)
    return document_update(document=document, data={"project": project or None}, actor=actor)


def expense_report_submit(
    *, report: ExpenseReport, actor, membership: Membership | None = None
) -> ExpenseReport:
    """Draft (or rejected) → submitted; receipts without their own project take the report's; then
    the lifecycle sends it to approval when a workflow applies. With `membership` (a person acting through
    a view), only the report's employee or an accountant/admin may submit it."""
    with transaction.atomic():
        report = ExpenseReport.objects.select_for_update().get(pk=report.pk)
        _require_may_change(report, membership)
        if report.status not in EDITABLE:
            raise InvalidTransition(f"A {report.get_status_display().lower()} report cannot be submitted.")
        receipts = list(report.documents.all())
        if not receipts:
            raise ValidationFailed("Add at least one receipt before submitting.", {"field": "documents"})
        if report.project_id:
            source = {"kind": "expense report", "label": report.title}
            for receipt in receipts:
                if receipt.project_id is None:
                    receipt.project_id = report.project_id
                    receipt.coding_sources = {**(receipt.coding_sources or {}), "project": source}
                    receipt.save(update_fields=["project", "coding_sources", "updated_at"])
        totals = expense_report_totals(report)
        report_transition(
            report,
            "submit",
            actor=actor,
            also={"submitted_at": timezone.now()},
            message=f"Submitted {totals['count']} receipt{'s' if totals['count'] != 1 else ''}, "
            f"{totals['total']:.2f} {totals['currency']}"
            + (f", {totals['reimbursable']:.2f} reimbursable." if totals["reimbursable"] else "."),
        )
        announce(Happened.REPORT_SUBMITTED, report=report, actor=actor)
    report.refresh_from_db()
    return report


def expense_report_confirm_unless_waiting(*, report: ExpenseReport, actor) -> None:
    """No approval applies: the report is confirmed as a whole once every receipt is read and coded."""
    waiting = receipts_waiting(report)
    if waiting:
        audit_record(target=report, verb="wait", actor=actor, message=f"Waiting: {waiting_message(waiting)}")
    else:
        _confirm(report, actor=actor, message="No approval needed: expense report confirmed.")


def _confirm(report: ExpenseReport, *, actor, message: str) -> None:
    report_transition(report, "confirm", actor=actor, message=message, also={"confirmed_at": timezone.now()})
    report_id = report.pk
    transaction.on_commit(lambda: announce(Happened.REPORT_CONFIRMED, report_id=report_id))


def expense_report_confirm(*, report: ExpenseReport, actor) -> ExpenseReport:
    """A submitted report that needs no approval and waited for its receipts: confirm it now that
    every receipt is read and coded (the accountant's button on the report)."""
    with transaction.atomic():
        report = ExpenseReport.objects.select_for_update().get(pk=report.pk)
        if report.status != ExpenseReportStatus.SUBMITTED:
            raise InvalidTransition(f"A {report.get_status_display().lower()} report cannot be confirmed.")
        waiting = receipts_waiting(report)
        if waiting:
            raise ValidationFailed(
                f"Not yet: {waiting_message(waiting)}",
                {"waiting": [c.document.pk for c in waiting]},
            )
        _confirm(report, actor=actor, message="Every receipt read and coded: expense report confirmed.")
    report.refresh_from_db()
    return report
