"""Shapes of the /rules/ routes for the OpenAPI schema. The views build and read plain dicts
(`rule_data`, `_flat`) and `rules.services` validates; these serializers only describe them."""

from __future__ import annotations

from rest_framework import serializers

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


class RuleConditionsInputSerializer(RuleConditionsSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.required = False


class RuleActionsInputSerializer(RuleActionsSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.required = False


class RuleInputSerializer(RuleConditionsInputSerializer, RuleActionsInputSerializer):
    """POST/PATCH body and the preview's: flat, or grouped as `conditions`/`actions` like the answer.
    A rule needs a name, at least one condition and at least one action."""

    name = serializers.CharField(required=False, max_length=120)
    position = serializers.IntegerField(required=False)
    is_active = serializers.BooleanField(required=False)
    conditions = RuleConditionsInputSerializer(required=False)
    actions = RuleActionsInputSerializer(required=False)


class RulePreviewDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    changes = serializers.ListField(child=serializers.CharField(), help_text='e.g. "project → Website".')


class RulePreviewSerializer(serializers.Serializer):
    """What the rule would change on past documents; nothing is written."""

    description = serializers.CharField()
    count = serializers.IntegerField()
    documents = RulePreviewDocumentSerializer(many=True)
