"""REST: POST /documents/{id}/publish/ and /expense-reports/{id}/publish/ (→ 202), the admins' payload preview."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from documents.selectors import document_queryset_for, expense_report_queryset_for
from publishing import selectors, services
from publishing.api.serializers import (
    ExpenseReportPublishResponseSerializer,
    PayloadPreviewSerializer,
    PublishResponseSerializer,
)


class _DocumentView(APIView):
    def get_document(self, pk: int):
        return get_object_or_404(document_queryset_for(membership=self.request.membership), pk=pk)


class DocumentPublishView(_DocumentView):
    """Queue publishing (or re-publishing after an edit). Idempotent: a document already on its way
    answers 202 with the same status."""

    required_permission = "documents.publish"

    @extend_schema(request=None, responses={202: PublishResponseSerializer})
    def post(self, request, pk: int):
        document = self.get_document(pk)
        services.publish_document(document=document, actor=request.user)
        document.refresh_from_db()
        return Response(
            {"publishing": selectors.publishing_summary_for(document=document)},
            status=status.HTTP_202_ACCEPTED,
        )


class DocumentPublishPreviewView(_DocumentView):
    """Exactly what would be sent to Scoro now, without sending it (company admins)."""

    required_permission = "integrations.manage"

    @extend_schema(responses=PayloadPreviewSerializer)
    def get(self, request, pk: int):
        return Response(selectors.payload_preview_for(document=self.get_document(pk)))


class ExpenseReportPublishView(APIView):
    """Queue a confirmed expense report as one Scoro expense. Idempotent while it is on its way."""

    required_permission = "documents.publish"

    @extend_schema(request=None, responses={202: ExpenseReportPublishResponseSerializer})
    def post(self, request, pk: int):
        report = get_object_or_404(expense_report_queryset_for(membership=request.membership), pk=pk)
        services.publish_expense_report(report=report, actor=request.user)
        report.refresh_from_db()
        return Response(
            {"status": report.status, "publishing": selectors.publishing_summary_for_report(report=report)},
            status=status.HTTP_202_ACCEPTED,
        )
