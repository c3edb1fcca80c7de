"""Shapes of the /rules/ routes for the OpenAPI schema. The views build the answers (`rule_data`);
`RuleInputSerializer` validates every body (types, lengths, ranges, unknown keys) before `rules.services`
applies it."""

from __future__ import annotations

from rest_framework import serializers

from core.validation import (
    AMOUNT,
    MAX_LIST_ITEMS,
    MAX_POSITIVE_INT,
    DecimalInput,
    IdInput,
    StrictSerializer,
)
from documents.choices import DocumentType

_AMOUNT = {"max_digits": 14, "decimal_places": 2, "allow_null": True}


class RuleConditionsSerializer(serializers.Serializer):
    supplier = serializers.IntegerField(allow_null=True, help_text="Contact id.")
    supplier_vat_no = serializers.CharField(allow_blank=True)
    keyword = serializers.CharField(allow_blank=True, help_text="Found in the document's text.")
    amount_min = serializers.DecimalField(**_AMOUNT)
    amount_max = serializers.DecimalField(**_AMOUNT)
    document_type = serializers.ChoiceField(choices=DocumentType.choices, allow_blank=True)
    sender_email = serializers.CharField(allow_blank=True)


class RuleActionsSerializer(serializers.Serializer):
    project = serializers.IntegerField(allow_null=True)
    finance_account = serializers.IntegerField(allow_null=True)
    tax_rate = serializers.IntegerField(allow_null=True)
    dimensions = serializers.ListField(child=serializers.IntegerField())
    product = serializers.IntegerField(allow_null=True)
    approver = serializers.IntegerField(allow_null=True, help_text="A member's user id.")
    auto_record = serializers.BooleanField()


class RuleSerializer(serializers.Serializer):
    """A rule as the API answers it."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    position = serializers.IntegerField(help_text="Rules run in this order, lowest first.")
    is_active = serializers.BooleanField()
    description = serializers.CharField(help_text="The rule in words.")
    conditions = RuleConditionsSerializer()
    actions = RuleActionsSerializer()
    applied_count = serializers.IntegerField()
    last_applied_at = serializers.DateTimeField(allow_null=True)


class RuleConditionsInputSerializer(StrictSerializer):
    supplier = IdInput(required=False, allow_null=True, help_text="Contact id.")
    supplier_vat_no = serializers.CharField(required=False, allow_blank=True, max_length=40)
    keyword = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="Found in the document's text."
    )
    amount_min = DecimalInput(shape=AMOUNT, required=False, allow_null=True)
    amount_max = DecimalInput(shape=AMOUNT, required=False, allow_null=True)
    document_type = serializers.ChoiceField(choices=DocumentType.choices, required=False, allow_blank=True)
    sender_email = serializers.CharField(required=False, allow_blank=True, max_length=254)


class RuleActionsInputSerializer(StrictSerializer):
    project = IdInput(required=False, allow_null=True)
    finance_account = IdInput(required=False, allow_null=True)
    tax_rate = IdInput(required=False, allow_null=True)
    dimensions = serializers.ListField(child=IdInput(), required=False, max_length=MAX_LIST_ITEMS)
    product = IdInput(required=False, allow_null=True)
    approver = IdInput(required=False, allow_null=True, help_text="A member's user id.")
    auto_record = serializers.BooleanField(required=False)


class RuleInputSerializer(RuleConditionsInputSerializer, RuleActionsInputSerializer):
    """POST/PATCH body and the preview's: flat, or grouped as `conditions`/`actions` like the answer.
    A rule needs a name, at least one condition and at least one action."""

    name = serializers.CharField(required=False, max_length=120)
    position = serializers.IntegerField(required=False, min_value=0, max_value=MAX_POSITIVE_INT)
    is_active = serializers.BooleanField(required=False)
    conditions = RuleConditionsInputSerializer(required=False)
    actions = RuleActionsInputSerializer(required=False)

    def flat(self) -> dict:
        """The validated values in one flat dict, as `rules.services` takes them."""
        data = dict(self.validated_data)
        flat = {k: v for k, v in data.items() if k not in ("conditions", "actions")}
        for group in ("conditions", "actions"):
            flat.update(data.get(group) or {})
        return flat


class RulePreviewDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    changes = serializers.ListField(child=serializers.CharField(), help_text='e.g. "project → Website".')


class RulePreviewSerializer(serializers.Serializer):
    """What the rule would change on past documents; nothing is written."""

    description = serializers.CharField()
    count = serializers.IntegerField()
    documents = RulePreviewDocumentSerializer(many=True)
