"""Response shapes of the publishing routes, for the OpenAPI schema (selectors build the dicts)."""

from __future__ import annotations

from rest_framework import serializers

from documents.choices import ExpenseReportStatus

PUBLISHING_STATUSES = ["not_published", "queued", "publishing", "published", "failed"]


class PublishingSummarySerializer(serializers.Serializer):
    """`publishing_summary_for`: where a document (or its expense report) stands with Scoro."""

    status = serializers.ChoiceField(choices=PUBLISHING_STATUSES)
    scoro_id = serializers.IntegerField(allow_null=True)
    scoro_url = serializers.CharField(allow_null=True, help_text="The record in Scoro's web app.")
    error = serializers.CharField(allow_blank=True)
    waiting_reason = serializers.CharField(allow_blank=True)
    reference = serializers.CharField(required=False, help_text="Only once publishing has started.")
    attention = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Sent vs. saved differences and changes made in Scoro since.",
    )
    published_at = serializers.DateTimeField(allow_null=True, required=False)


class PublishResponseSerializer(serializers.Serializer):
    publishing = PublishingSummarySerializer()


class PayloadPreviewSerializer(serializers.Serializer):
    endpoint = serializers.CharField(help_text='The Scoro call, e.g. "bills/modify".')
    request = serializers.DictField(help_text="The request body that would be sent.")
    reference = serializers.CharField()
    new_supplier = serializers.BooleanField(help_text="The supplier is created in Scoro first.")
    attachments = serializers.ListField(child=serializers.CharField(), help_text="File names.")


class ExpenseReportPublishResponseSerializer(PublishResponseSerializer):
    status = serializers.ChoiceField(choices=ExpenseReportStatus.choices, help_text="The report's status.")
