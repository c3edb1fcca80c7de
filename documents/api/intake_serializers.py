"""Serializers of the intake routes: the upload input, the list filters, and a document's summary."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from core.validation import IdInput, StrictSerializer
from documents.choices import DocumentSource, DocumentStatus, DocumentType
from documents.models import Document


class DocumentUploadInputSerializer(StrictSerializer):
    file = serializers.FileField(allow_empty_file=True)
    type = serializers.ChoiceField(choices=DocumentType.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    expense_report = IdInput(required=False, allow_null=True)
    source = serializers.ChoiceField(
        choices=[DocumentSource.BROWSER, DocumentSource.MOBILE, DocumentSource.API],
        required=False,
        help_text="Which client sent the file; the browser pages send browser or mobile.",
    )


class DocumentListFilterSerializer(serializers.Serializer):
    status = serializers.CharField(required=False, max_length=500)
    type = serializers.CharField(required=False, max_length=200)
    supplier = serializers.CharField(required=False, max_length=200)
    published = serializers.BooleanField(required=False, allow_null=True, default=None)
    q = serializers.CharField(required=False, max_length=200)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)

    def _validate_choices(self, value: str, choices, name: str) -> str:
        wrong = [v for v in value.split(",") if v and v not in choices]
        if wrong:
            raise serializers.ValidationError(f"Unknown {name}: {', '.join(wrong)}")
        return value

    def validate_status(self, value):
        return self._validate_choices(value, DocumentStatus.values, "status")

    def validate_type(self, value):
        return self._validate_choices(value, DocumentType.values, "type")


class DocumentSummarySerializer(serializers.ModelSerializer):
    """A document as lists show it; the detail route (/documents/{id}/) has everything else."""

    links = serializers.SerializerMethodField()
    supplier = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "type",
            "status",
            "filename",
            "content_type",
            "size",
            "sha256",
            "page_count",
            "source",
            "duplicate_of",
            "received_at",
            "supplier",
            "supplier_name",
            "invoice_number",
            "issue_date",
            "due_date",
            "currency",
            "total",
            "note",
            "expense_report",
            "links",
        ]

    def get_supplier(self, obj) -> int | None:
        return obj.supplier_id

    def get_links(self, obj) -> dict[str, str]:
        request = self.context.get("request")
        build = request.build_absolute_uri if request else (lambda u: u)
        return {
            "self": build(reverse("api-document-detail", args=[obj.pk])),
            "file": build(reverse("api-document-file", args=[obj.pk])),
            # The review page in the browser, where the document's state and problems show.
            "review": build(reverse("documents:review", args=[obj.pk])),
        }
