"""Expense reports: an employee's receipts for a period and one project, submitted together.

A report's receipts are its lines. The report's project applies to every receipt unless the receipt
has its own (set in review). Paid by the employee means the total is reimbursable.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Membership
from accounts.roles import role_can
from audit.services import audit_record
from bookkeeping.models import DimensionGroup, Project
from core.errors import InvalidTransition, ValidationFailed
from core.parsing import clean_date
from documents.choices import DocumentStatus, DocumentType, ExpenseReportStatus, PaidBy
from documents.models import Document, ExpenseReport
from documents.selectors import expense_report_queryset_for

EDITABLE = (ExpenseReportStatus.DRAFT, ExpenseReportStatus.REJECTED)
# Accountants still code receipts (per-line projects) while a report waits for them.
REVIEWABLE = (*EDITABLE, ExpenseReportStatus.SUBMITTED, ExpenseReportStatus.IN_APPROVAL)
LOCKED_RECEIPTS = (DocumentStatus.QUEUED, DocumentStatus.PUBLISHING, DocumentStatus.PUBLISHED)


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
        .annotate(receipt_count=Count("documents"), amount=Coalesce(Sum("documents__total"), zero))
    )


def expense_report_totals(report: ExpenseReport) -> dict[str, Any]:
    totals = report.documents.aggregate(n=Count("id"), total=Sum("total"))
    total = totals["total"] or Decimal("0.00")
    return {
        "count": totals["n"],
        "total": total,
        "reimbursable": total if report.paid_by == PaidBy.EMPLOYEE else Decimal("0.00"),
        "currency": report.company.currency,
    }


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
            report.project = (
                Project.objects.for_company(report.company)
                .filter(pk=value if str(value).isdigit() else 0)
                .first()
            )
            if report.project is None:
                raise ValidationFailed(f"Unknown project: {value}.", {"field": "project"})
    if not report.title:
        raise ValidationFailed("Give the report a title.", {"field": "title"})
    if report.period_start and report.period_end and report.period_start > report.period_end:
        raise ValidationFailed("The period ends before it starts.", {"field": "period_end"})


def _employee_for(*, company, membership: Membership, employee_id: Any):
    """Employees report for themselves; accountants and admins may create a report for a member."""
    if employee_id in (None, "") or int(employee_id) == membership.user_id:
        return membership.user
    if not role_can(membership.role, "documents.code"):
        raise ValidationFailed("You can only create reports for yourself.", {"field": "employee"})
    other = Membership.objects.filter(company=company, user_id=employee_id).select_related("user").first()
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
    *, report: ExpenseReport, data: dict[str, Any], membership: Membership, actor
) -> ExpenseReport:
    report = ExpenseReport.objects.select_for_update().get(pk=report.pk)
    header = {
        k: v for k, v in data.items() if k in ("title", "period_start", "period_end", "paid_by", "project")
    }
    if header:
        if report.status not in EDITABLE:
            raise InvalidTransition(f"A {report.get_status_display().lower()} report cannot be changed.")
        _apply(report, header)
        report.version += 1
        report.save()
        audit_record(
            target=report,
            verb="expense_report_changed",
            actor=actor,
            data={k: str(v) for k, v in header.items()},
        )
    if "documents" in data:
        wanted = {int(i) for i in data["documents"] or []}
        current = set(report.documents.values_list("pk", flat=True))
        if wanted - current:
            expense_report_add_documents(
                report=report, document_ids=wanted - current, membership=membership, actor=actor
            )
        for pk in current - wanted:
            expense_report_remove_document(report=report, document=report.documents.get(pk=pk), actor=actor)
    for line in data.get("lines") or []:
        document = report.documents.filter(pk=line.get("document")).first()
        if document is None:
            raise ValidationFailed(
                f"Receipt {line.get('document')} is not in this report.", {"field": "lines"}
            )
        expense_report_set_line_project(
            report=report, document=document, project=line.get("project"), membership=membership, actor=actor
        )
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
    if report.status not in EDITABLE:
        raise InvalidTransition(
            f"Receipts cannot be added to a {report.get_status_display().lower()} report."
        )
    ids = {int(i) for i in document_ids}
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
    for document in documents:
        document.expense_report = report
        document.type = DocumentType.RECEIPT
        document.save(update_fields=["expense_report", "type", "updated_at"])
        audit_record(
            target=document, verb="added_to_expense_report", actor=actor, message=f"Added to {report.title}."
        )
    return len(documents)


@transaction.atomic
def expense_report_remove_document(*, report: ExpenseReport, document: Document, actor) -> None:
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
    from documents.choices import DocumentSource
    from documents.services import document_upload

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
    from documents.coding import document_update

    if report.status not in REVIEWABLE:
        raise InvalidTransition(f"A {report.get_status_display().lower()} report cannot be changed.")
    if not role_can(membership.role, "documents.code") and report.status not in EDITABLE:
        raise ValidationFailed("Only accountants change projects of a submitted report.")
    return document_update(document=document, data={"project": project or None}, actor=actor)


def expense_report_submit(*, report: ExpenseReport, actor) -> ExpenseReport:
    """Draft (or rejected) → submitted; receipts without their own project take the report's; then
    the report goes to approval when a workflow applies."""
    from approvals.services import approval_start_for_expense_report

    with transaction.atomic():
        report = ExpenseReport.objects.select_for_update().get(pk=report.pk)
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
        from_state = report.status
        report.status = ExpenseReportStatus.SUBMITTED
        report.submitted_at = timezone.now()
        report.save(update_fields=["status", "submitted_at"])
        totals = expense_report_totals(report)
        audit_record(
            target=report,
            verb="submit",
            actor=actor,
            from_state=from_state,
            to_state=report.status,
            message=f"Submitted {totals['count']} receipts, {totals['total']:.2f} {totals['currency']}"
            + (f", {totals['reimbursable']:.2f} reimbursable." if totals["reimbursable"] else "."),
        )
        if not approval_start_for_expense_report(report=report, actor=actor):
            # Nobody has to approve it: the report is confirmed as a whole right away.
            report.status = ExpenseReportStatus.CONFIRMED
            report.confirmed_at = timezone.now()
            report.save(update_fields=["status", "confirmed_at"])
            audit_record(
                target=report,
                verb="confirm",
                actor=actor,
                from_state=ExpenseReportStatus.SUBMITTED,
                to_state=report.status,
                message="No approval needed: expense report confirmed.",
            )
            report_id = report.pk
            transaction.on_commit(lambda: _publish_report_if_automatic(report_id))
    report.refresh_from_db()
    return report


def _publish_report_if_automatic(report_id: int) -> None:
    from publishing.services import publish_expense_report_if_automatic

    publish_expense_report_if_automatic(report=ExpenseReport.objects.get(pk=report_id))
