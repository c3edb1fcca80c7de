"""Intake over the REST API: upload, the document list, and the original file."""

from __future__ import annotations

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.storage import STORAGE_ERRORS
from documents.api.intake_serializers import (
    DocumentListFilterSerializer,
    DocumentSummarySerializer,
    DocumentUploadInputSerializer,
)
from documents.choices import DocumentSource, DocumentStatus
from documents.models import Document
from documents.pagination import DocumentPagination
from documents.selectors import document_list, document_queryset_for
from documents.services import document_upload

# The columns of DocumentSummarySerializer: lists never load the extracted text, fields or provenance.
SUMMARY_COLUMNS = (
    "company_id",
    "supplier_id",
    *(f for f in DocumentSummarySerializer.Meta.fields if f not in ("links", "supplier")),
)


class DocumentListCreateApi(GenericAPIView):
    """GET: the documents the member may see, filtered and paginated. POST: upload one file."""

    parser_classes = [MultiPartParser, FormParser]
    serializer_class = DocumentSummarySerializer
    queryset = Document.objects.none()  # for the schema; reads go through documents.selectors
    required_permissions = {"POST": "documents.upload"}
    pagination_class = DocumentPagination

    @extend_schema(parameters=[DocumentListFilterSerializer], responses=DocumentSummarySerializer(many=True))
    def get(self, request):
        filters = DocumentListFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = {k: v for k, v in filters.validated_data.items() if v not in (None, "")}
        published = data.pop("published", None)
        qs = document_list(membership=request.membership, filters=data).only(*SUMMARY_COLUMNS)
        if published is True:
            qs = qs.filter(status=DocumentStatus.PUBLISHED)
        elif published is False:
            qs = qs.exclude(status=DocumentStatus.PUBLISHED)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=DocumentUploadInputSerializer, responses={201: DocumentSummarySerializer})
    def post(self, request):
        payload = DocumentUploadInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        upload = payload.validated_data["file"]
        documents = document_upload(
            company=request.company,
            membership=request.membership,
            actor=request.user,
            data=upload.read(),
            filename=upload.name,
            type=payload.validated_data.get("type"),
            note=payload.validated_data.get("note", ""),
            expense_report=payload.validated_data.get("expense_report"),
            source=payload.validated_data.get("source", DocumentSource.API),
        )
        body = self.get_serializer(documents[0]).data
        if len(documents) > 1:  # an allowed ZIP: the first one above, all of them here
            body["documents"] = self.get_serializer(documents, many=True).data
        return Response(body, status=status.HTTP_201_CREATED)


class DocumentFileApi(APIView):
    """The original bytes, untouched. Another company's document is simply not found."""

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        document = document_queryset_for(membership=request.membership).filter(pk=pk).first()
        if document is None:
            raise Http404
        try:
            original = document.original.open("rb")
        except STORAGE_ERRORS:
            raise Http404 from None
        response = FileResponse(original, content_type=document.content_type, filename=document.filename)
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox"
        response["ETag"] = f'"{document.sha256}"'
        return response
