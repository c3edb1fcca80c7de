"""Expense report pages: list, create, the report (add receipts, per-line projects, submit)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from accounts.roles import role_can
from accounts.selectors import members_of
from accounts.views_mixins import CompanyRequiredMixin
from bookkeeping.models import Project
from core.errors import ApplicationError, ValidationFailed
from core.validation import InputError, parse_id
from documents.choices import ExpenseReportStatus, PaidBy
from documents.expense_reports import (
    EDITABLE,
    REVIEWABLE,
    expense_report_add_documents,
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


def _posted_id(request, name: str) -> int | None:
    try:
        return parse_id(request.POST.get(name), name=name)
    except InputError:
        return None


class ExpenseReportListView(CompanyRequiredMixin, View):
    required_permission = "expenses.create"

    def get(self, request):
        reports = expense_report_list(membership=request.membership)
        archive = request.resolver_match.url_name == "reports_archive"
        done = (
            ExpenseReportStatus.CONFIRMED,
            ExpenseReportStatus.QUEUED,
            ExpenseReportStatus.PUBLISHED,
            ExpenseReportStatus.PUBLISH_FAILED,
        )
        reports = reports.filter(status__in=done) if archive else reports.exclude(status__in=done)
        return render(
            request,
            "documents/expense_reports.html",
            {
                "title": "Reports › Archive" if archive else "Expense reports",
                "reports": reports[:200],
                "archive": archive,
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
        return render(
            request,
            "documents/expense_report.html",
            {
                "title": report.title,
                "report": report,
                "receipts": report.documents.select_related("project").order_by("received_at", "id"),
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
                messages.success(request, f"Submitted: {report.get_status_display().lower()}.")
        except ApplicationError as error:
            messages.error(request, error.message)
        except report.documents.model.DoesNotExist:
            messages.error(request, "That receipt is not in this report.")
        return redirect("documents:report", pk=report.pk)
