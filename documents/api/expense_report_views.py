"""REST: /expense-reports/ (GET, POST), /{id}/ (GET, PATCH), /{id}/submit/, /withdraw/, /confirm/ (POST)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.services import expense_report_withdraw
from documents.api.expense_report_serializers import (
    ExpenseReportInputSerializer,
    ExpenseReportListSerializer,
    ExpenseReportSerializer,
)
from documents.expense_report_checks import receipt_checks
from documents.expense_reports import (
    expense_report_confirm,
    expense_report_create,
    expense_report_list,
    expense_report_submit,
    expense_report_totals,
    expense_report_update,
)
from documents.models import ExpenseReport


def report_data(report: ExpenseReport) -> dict[str, Any]:
    totals = expense_report_totals(report)
    checks = receipt_checks(report)
    receipts = [c.document for c in checks]
    return {
        "id": report.pk,
        "title": report.title,
        "employee": report.employee_id,
        "period_start": report.period_start,
        "period_end": report.period_end,
        "project": report.project_id,
        "paid_by": report.paid_by,
        "status": report.status,
        "submitted_at": report.submitted_at,
        "documents": [d.pk for d in receipts],
        "lines": [
            {
                "document": d.pk,
                "label": str(d),
                "date": d.issue_date,
                "total": None if d.total is None else str(d.total),
                "currency": d.currency,
                "project": d.project_id,
                "effective_project": d.project_id or report.project_id,
                "status": d.status,
                "waiting": c.waiting,
                "flags": c.flags,
            }
            for c in checks
            for d in [c.document]
        ],
        "waiting_for": [c.document.pk for c in checks if c.waiting],
        "total": f"{totals['total']:.2f}",
        "other_currencies": {k: f"{v:.2f}" for k, v in totals["other_currencies"].items()},
        "without_currency": totals["without_currency"],
        "reimbursable": f"{totals['reimbursable']:.2f}",
        "currency": totals["currency"],
        "version": report.version,
    }


def _data(request) -> dict[str, Any]:
    body = ExpenseReportInputSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


class ExpenseReportListApi(APIView):
    required_permission = "expenses.create"

    @extend_schema(
        operation_id="v1_expense_reports_list",
        parameters=[
            OpenApiParameter("status", str, description="Comma-separated report statuses.", required=False)
        ],
        responses=ExpenseReportListSerializer,
    )
    def get(self, request):
        reports = expense_report_list(membership=request.membership)
        if request.query_params.get("status"):
            reports = reports.filter(status__in=request.query_params["status"].split(","))
        return Response({"results": [report_data(r) for r in reports[:200]]})

    @extend_schema(request=ExpenseReportInputSerializer, responses={201: ExpenseReportSerializer})
    def post(self, request):
        data = _data(request)
        data.pop("version", None)
        report = expense_report_create(membership=request.membership, data=data, actor=request.user)
        return Response(report_data(report), status=status.HTTP_201_CREATED)


class ExpenseReportDetailApi(APIView):
    required_permission = "expenses.create"

    def get_object(self) -> ExpenseReport:
        return get_object_or_404(
            expense_report_list(membership=self.request.membership), pk=self.kwargs["pk"]
        )

    @extend_schema(responses=ExpenseReportSerializer)
    def get(self, request, pk: int):
        return Response(report_data(self.get_object()))

    @extend_schema(request=ExpenseReportInputSerializer, responses=ExpenseReportSerializer)
    def patch(self, request, pk: int):
        data = _data(request)
        expected = data.pop("version", None)
        report = expense_report_update(
            report=self.get_object(),
            data=data,
            membership=request.membership,
            actor=request.user,
            expected_version=expected,
        )
        return Response(report_data(report))


class ExpenseReportSubmitApi(APIView):
    required_permission = "expenses.create"

    @extend_schema(request=None, responses=ExpenseReportSerializer)
    def post(self, request, pk: int):
        report = get_object_or_404(expense_report_list(membership=request.membership), pk=pk)
        report = expense_report_submit(report=report, actor=request.user, membership=request.membership)
        return Response(report_data(report))


class ExpenseReportWithdrawApi(APIView):
    """The employee takes a submitted report back to draft before anyone has decided on it."""

    required_permission = "expenses.create"

    @extend_schema(
        operation_id="v1_expense_reports_withdraw", request=None, responses=ExpenseReportSerializer
    )
    def post(self, request, pk: int):
        report = get_object_or_404(expense_report_list(membership=request.membership), pk=pk)
        return Response(report_data(expense_report_withdraw(report=report, actor=request.user)))


class ExpenseReportConfirmApi(APIView):
    """An accountant confirms a submitted report (no approval needed) once its receipts are read and coded."""

    required_permission = "documents.code"

    @extend_schema(operation_id="v1_expense_reports_confirm", request=None, responses=ExpenseReportSerializer)
    def post(self, request, pk: int):
        report = get_object_or_404(expense_report_list(membership=request.membership), pk=pk)
        return Response(report_data(expense_report_confirm(report=report, actor=request.user)))
