"""Bodies and answers of /api/v1/inbound/sender-projects/ and /api/v1/inbound/settings/."""

from __future__ import annotations

from rest_framework import serializers

from core.validation import IdInput, StrictSerializer


class SenderProjectInputSerializer(StrictSerializer):
    sender = serializers.CharField(max_length=254, help_text="ap@supplier.example or @supplier.example")
    project = IdInput(help_text="Id of one of the company's active projects.")


class SenderProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sender = serializers.CharField()
    project = serializers.IntegerField(source="project_id")
    project_label = serializers.CharField(source="project.__str__")


class InboundSettingsInputSerializer(StrictSerializer):
    link_senders = serializers.ListField(
        child=serializers.CharField(max_length=254), max_length=200, required=False,
        help_text="Senders whose invoice links are fetched (addresses or @domains).",
    )  # fmt: skip
    send_replies = serializers.BooleanField(required=False)


class InboundSettingsSerializer(serializers.Serializer):
    link_senders = serializers.SerializerMethodField()
    send_replies = serializers.BooleanField()

    def get_link_senders(self, obj) -> list[str]:
        return [line for line in obj.link_senders.splitlines() if line]
