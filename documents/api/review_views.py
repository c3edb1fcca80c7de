"""Document detail for review: GET/PATCH/DELETE /documents/{id}/, POST /documents/{id}/record/ and
/documents/{id}/not-duplicate/."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.selectors import approval_summary_for
from documents.api.review_serializers import (
    BankAccountDecisionInputSerializer,
    DocumentDetailSerializer,
    DocumentPatchSerializer,
    NotDuplicateInputSerializer,
)
from documents.bank_accounts import (
    bank_account_review,
    document_bank_account_confirm,
    document_bank_account_reject,
)
from documents.coding import document_delete, document_record, document_update, recording_problems
from documents.duplicates.services import duplicate_dismiss
from documents.models import Document
from documents.review import coding_suggestions, field_problems, review_duplicates, source_label
from documents.selectors import document_queryset_for, rejection_for
from publishing.selectors import publishing_summary_for


def _ref(obj) -> dict[str, Any] | None:
    return None if obj is None else {"id": obj.pk, "name": str(obj)}


def file_url(document: Document) -> str:
    """The API route that serves the original bytes (the browser's own view frames PDFs and images)."""
    return reverse("api-document-file", args=[document.pk])


def document_detail_data(document: Document, *, user) -> dict[str, Any]:
    """The detail shape of shared/API.md: ids in the same shape PATCH takes, plus labels to show
    (and, for `user`, what they may do about a new bank account)."""

    lines = list(
        document.lines.select_related("product", "project", "finance_account", "tax_rate", "dimension")
    )
    dimensions = list(document.dimensions.select_related("group"))
    coding = ("supplier", "project", "finance_account", "tax_rate")
    return {
        "id": document.pk,
        "type": document.type,
        "status": document.status,
        "status_label": document.get_status_display(),
        "rejection": rejection.as_dict() if (rejection := rejection_for(document)) else None,
        "filename": document.filename,
        "content_type": document.content_type,
        "file": file_url(document),
        "page_count": document.page_count,
        "source": document.source,
        "sender_email": document.sender_email,
        "received_at": document.received_at,
        "fields": document.fields,
        "confidence": document.confidence,
        "provenance": document.provenance,
        "warnings": document.warnings,
        "problems": field_problems(document),
        "corrected_fields": document.corrected_fields,
        **{name: getattr(document, f"{name}_id") for name in coding},
        "dimensions": [d.pk for d in dimensions],
        "lines": [
            {
                "id": line.pk,
                "position": line.position,
                "description": line.description,
                "quantity": str(line.quantity),
                "unit_price": None if line.unit_price is None else str(line.unit_price),
                "total": None if line.total is None else str(line.total),
                "tax_percent": None if line.tax_percent is None else str(line.tax_percent),
                "product": line.product_id,
                "project": line.project_id,
                "finance_account": line.finance_account_id,
                "tax_rate": line.tax_rate_id,
                "dimension": line.dimension_id,
                "effective": {
                    name: _ref(line.effective(name)) for name in ("project", "finance_account", "tax_rate")
                },
            }
            for line in lines
        ],
        "coding": {
            **{name: _ref(getattr(document, name)) for name in coding},
            "dimensions": [{"id": d.pk, "name": str(d), "group": d.group.name} for d in dimensions],
            "sources": {name: source_label(document, name) for name in document.coding_sources or {}},
        },
        "suggestions": [
            {"field": s.field, "id": s.value.pk, "name": str(s.value), "count": s.count, "of": s.total}
            for s in coding_suggestions(document)
        ],
        "duplicates": [
            {
                "id": s.other.pk,
                "label": str(s.other),
                "status": s.other.status,
                "reasons": s.reasons,
                "reason": s.reason,
                "distance": s.pair.distance,
            }
            for s in review_duplicates(document)
        ],
        "missing_for_record": recording_problems(document),
        "assigned_to": document.assigned_to_id,
        "expense_report": document.expense_report_id,
        "note": document.note,
        "version": document.version,
        "recorded_at": document.recorded_at,
        "recorded_by": document.recorded_by_id,
        "approvals": approval_summary_for(document=document),
        "publishing": publishing_summary_for(document=document),
        "bank_account": bank_account_review(document, user=user).as_dict(),
    }


class DocumentDetailApi(APIView):
    """GET the document for review; PATCH corrections and coding; DELETE it."""

    required_permissions = {"PATCH": "documents.code", "DELETE": "documents.delete"}

    def get_object(self) -> Document:
        queryset = document_queryset_for(membership=self.request.membership).select_related(
            "supplier", "project", "finance_account", "tax_rate"
        )
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    @extend_schema(responses=DocumentDetailSerializer)
    def get(self, request, pk: int):
        return Response(document_detail_data(self.get_object(), user=request.user))

    @extend_schema(request=DocumentPatchSerializer, responses=DocumentDetailSerializer)
    def patch(self, request, pk: int):
        body = DocumentPatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        expected = data.pop("version", None)
        document = document_update(
            document=self.get_object(), data=data, actor=request.user, expected_version=expected
        )
        return Response(document_detail_data(document, user=request.user))

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        document_delete(document=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DocumentRecordApi(APIView):
    """POST: record (finalize) the document; 400 naming what is missing."""

    required_permission = "documents.record"

    @extend_schema(request=None, responses=DocumentDetailSerializer)
    def post(self, request, pk: int):
        queryset = document_queryset_for(membership=request.membership)
        document = document_record(document=get_object_or_404(queryset, pk=pk), actor=request.user)
        return Response(document_detail_data(document, user=request.user))


class DocumentBankAccountApi(APIView):
    """POST: a second admin confirms (or an admin rejects) the new bank account the bill asks to be paid
    to. 403 for the admin who recorded it and for other roles; 400 when the IBAN changed meanwhile."""

    required_permission = "bank_accounts.confirm"

    @extend_schema(request=BankAccountDecisionInputSerializer, responses=DocumentDetailSerializer)
    def post(self, request, pk: int):
        queryset = document_queryset_for(membership=request.membership)
        document = get_object_or_404(queryset, pk=pk)
        body = BankAccountDecisionInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if data["decision"] == "confirm":
            document = document_bank_account_confirm(document=document, actor=request.user, iban=data["iban"])
        else:
            document = document_bank_account_reject(
                document=document, actor=request.user, iban=data["iban"], reason=data.get("reason", "")
            )
        document.refresh_from_db()
        return Response(document_detail_data(document, user=request.user))


class DocumentNotDuplicateApi(APIView):
    """POST {"other": id}: the two documents are not copies of each other; the flag goes for good."""

    required_permission = "documents.code"

    @extend_schema(request=NotDuplicateInputSerializer, responses=DocumentDetailSerializer)
    def post(self, request, pk: int):
        queryset = document_queryset_for(membership=request.membership)
        document = get_object_or_404(queryset, pk=pk)  # another company's: 404 before any body check
        body = NotDuplicateInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        duplicate_dismiss(document=document, other_id=body.validated_data["other"], actor=request.user)
        return Response(document_detail_data(get_object_or_404(queryset, pk=pk), user=request.user))
