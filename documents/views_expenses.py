"""Expense report pages: list, create, the report (add receipts, per-line projects, submit)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from accounts.roles import role_can
from accounts.selectors import members_of
from accounts.views_mixins import CompanyRequiredMixin
from approvals.selectors import report_decided
from approvals.services import expense_report_withdraw
from bookkeeping.models import Project
from core.errors import ApplicationError, NotPermitted, ValidationFailed
from core.validation import InputError, parse_id
from documents.choices import ExpenseReportStatus, PaidBy
from documents.expense_report_checks import receipt_checks, waiting_message
from documents.expense_reports import (
    EDITABLE,
    REVIEWABLE,
    expense_report_add_documents,
    expense_report_confirm,
    expense_report_create,
    expense_report_list,
    expense_report_remove_document,
    expense_report_set_line_project,
    expense_report_submit,
    expense_report_totals,
    expense_report_update,
    expense_report_upload,
    project_on_expense_form,
    receipts_available,
)

# The status filters of the report list: every report stays findable, whatever its state.
REPORT_FILTERS = {
    "draft": ("Draft", (ExpenseReportStatus.DRAFT,)),
    "submitted": ("Submitted", (ExpenseReportStatus.SUBMITTED,)),
    "in_approval": ("In approval", (ExpenseReportStatus.IN_APPROVAL,)),
    "rejected": ("Rejected", (ExpenseReportStatus.REJECTED,)),
    "confirmed": ("Confirmed", (ExpenseReportStatus.CONFIRMED, ExpenseReportStatus.QUEUED)),
    "published": ("Published", (ExpenseReportStatus.PUBLISHED,)),
    "failed": ("Failed", (ExpenseReportStatus.PUBLISH_FAILED,)),
}
SUBMITTED_MESSAGES = {
    ExpenseReportStatus.SUBMITTED: "Submitted: it waits until every receipt is read and coded.",
    ExpenseReportStatus.IN_APPROVAL: "Submitted: sent to approval.",
    ExpenseReportStatus.CONFIRMED: "Submitted and confirmed.",
}
ARCHIVED = (
    ExpenseReportStatus.CONFIRMED,
    ExpenseReportStatus.QUEUED,
    ExpenseReportStatus.PUBLISHED,
    ExpenseReportStatus.PUBLISH_FAILED,
)


def _posted_id(request, name: str) -> int | None:
    try:
        return parse_id(request.POST.get(name), name=name)
    except InputError:
        return None


class ExpenseReportListView(CompanyRequiredMixin, View):
    """Every report the member may see (all of the company's for accountants), filtered by status."""

    required_permission = "expenses.create"

    def get(self, request):
        reports = expense_report_list(membership=request.membership).order_by("-created_at", "-id")
        archive = request.resolver_match.url_name == "reports_archive"
        chosen = request.GET.get("status", "")
        if chosen in REPORT_FILTERS:
            reports = reports.filter(status__in=REPORT_FILTERS[chosen][1])
        elif archive:
            reports = reports.filter(status__in=ARCHIVED)
        return render(
            request,
            "documents/expense_reports.html",
            {
                "title": "Reports › Archive" if archive else "Expense reports",
                "reports": reports[:200],
                "archive": archive,
                "filters": [(key, label) for key, (label, _) in REPORT_FILTERS.items()],
                "chosen": chosen,
            },
        )


class ExpenseReportCreateView(CompanyRequiredMixin, View):
    required_permission = "expenses.create"

    def get(self, request):
        return render(request, "documents/expense_report_form.html", self.context(request, {}))

    def post(self, request):
        data = {
            k: request.POST.get(k, "") for k in ("title", "period_start", "period_end", "paid_by", "employee")
        }
        if project_on_expense_form(request.company):
            data["project"] = request.POST.get("project", "")
        try:
            report = expense_report_create(membership=request.membership, data=data, actor=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
            return render(
                request, "documents/expense_report_form.html", self.context(request, data), status=400
            )
        return redirect("documents:report", pk=report.pk)

    def context(self, request, data):
        return {
            "title": "New expense report",
            "data": data,
            "paid_by_choices": PaidBy.choices,
            "show_project": project_on_expense_form(request.company),
            "projects": Project.objects.for_company(request.company).filter(is_active=True),
            "members": members_of(company=request.company)
            if role_can(request.membership.role, "documents.code")
            else [],
        }


class ExpenseReportView(CompanyRequiredMixin, View):
    required_permission = "expenses.create"

    def report(self, request, pk):
        return get_object_or_404(expense_report_list(membership=request.membership), pk=pk)

    def get(self, request, pk: int):
        report = self.report(request, pk)
        can_code = role_can(request.membership.role, "documents.code")
        editable = report.status in EDITABLE
        checks = receipt_checks(report)
        waiting = [c for c in checks if c.waiting]
        return render(
            request,
            "documents/expense_report.html",
            {
                "title": report.title,
                "report": report,
                "checks": checks,
                "waiting": waiting,
                "waiting_message": waiting_message(waiting) if waiting else "",
                "can_withdraw": report.employee_id == request.user.pk
                and report.status in (ExpenseReportStatus.SUBMITTED, ExpenseReportStatus.IN_APPROVAL)
                and not report_decided(report=report),
                "can_confirm": can_code and report.status == ExpenseReportStatus.SUBMITTED,
                "available": receipts_available(report=report)[:50] if editable else [],
                "totals": expense_report_totals(report),
                "editable": editable,
                "line_projects": (editable or (can_code and report.status in REVIEWABLE)),
                "show_project": project_on_expense_form(request.company) or can_code,
                "projects": Project.objects.for_company(request.company).filter(is_active=True),
                "paid_by_choices": PaidBy.choices,
            },
        )

    def post(self, request, pk: int):
        report = self.report(request, pk)
        action = request.POST.get("action", "")
        try:
            if action == "add":
                n = expense_report_add_documents(
                    report=report,
                    document_ids=request.POST.getlist("documents"),
                    membership=request.membership,
                    actor=request.user,
                )
                messages.success(request, f"Added {n} receipt{'s' if n != 1 else ''}.")
            elif action == "upload":
                for upload in request.FILES.getlist("file"):
                    expense_report_upload(
                        report=report,
                        data=upload.read(),
                        filename=upload.name,
                        membership=request.membership,
                        actor=request.user,
                    )
                messages.success(request, "Receipt uploaded; it is being read.")
            elif action == "remove":
                document = report.documents.filter(pk=_posted_id(request, "document")).first()
                if document is None:
                    raise ValidationFailed("That receipt is not in this report.", {"field": "document"})
                expense_report_remove_document(
                    report=report, document=document, membership=request.membership, actor=request.user
                )
            elif action == "projects":
                for document in report.documents.all():
                    key = f"project-{document.pk}"
                    if key in request.POST and str(document.project_id or "") != request.POST[key]:
                        expense_report_set_line_project(
                            report=report,
                            document=document,
                            project=request.POST[key],
                            membership=request.membership,
                            actor=request.user,
                        )
                messages.success(request, "Projects saved.")
            elif action == "header":
                data = {
                    k: request.POST.get(k, "") for k in ("title", "period_start", "period_end", "paid_by")
                }
                if "project" in request.POST:
                    data["project"] = request.POST["project"]
                expense_report_update(
                    report=report,
                    data=data,
                    membership=request.membership,
                    actor=request.user,
                    expected_version=request.POST.get("version") or None,
                )
                messages.success(request, "Saved.")
            elif action == "submit":
                report = expense_report_submit(
                    report=report, actor=request.user, membership=request.membership
                )
                messages.success(request, SUBMITTED_MESSAGES.get(report.status, "Submitted."))
            elif action == "withdraw":
                report = expense_report_withdraw(report=report, actor=request.user)
                messages.success(request, "Withdrawn: the report is a draft again.")
            elif action == "confirm":
                if not role_can(request.membership.role, "documents.code"):
                    raise NotPermitted("Only accountants confirm expense reports.")
                report = expense_report_confirm(report=report, actor=request.user)
                messages.success(request, "Confirmed.")
        except ApplicationError as error:
            messages.error(request, error.message)
        except report.documents.model.DoesNotExist:
            messages.error(request, "That receipt is not in this report.")
        return redirect("documents:report", pk=report.pk)
