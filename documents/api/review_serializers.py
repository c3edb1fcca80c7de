"""Shapes of GET/PATCH /documents/{id}/ for the OpenAPI schema. `review_views.document_detail_data`
builds the answer and `documents.coding.document_update` applies the PATCH body once `DocumentPatchSerializer` has
validated it (shapes, types, column limits, unknown keys refused)."""

from __future__ import annotations

from rest_framework import serializers

from core.validation import (
    AMOUNT,
    MAX_LIST_ITEMS,
    MAX_POSITIVE_INT,
    PERCENT,
    PRICE,
    QUANTITY,
    DecimalInput,
    IdInput,
    StrictSerializer,
)
from documents.choices import DocumentSource, DocumentStatus, DocumentType
from documents.coding import AMOUNT_FIELDS, DATE_FIELDS, TEXT_FIELDS, TEXT_LIMITS
from documents.duplicates.rules import REASONS
from publishing.api.serializers import PublishingSummarySerializer

_ID = {"allow_null": True}


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class LineEffectiveSerializer(serializers.Serializer):
    """The line's coding, falling back to the document's header."""

    project = RefSerializer(allow_null=True)
    finance_account = RefSerializer(allow_null=True)
    tax_rate = RefSerializer(allow_null=True)


class DocumentLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    description = serializers.CharField(allow_blank=True)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=4, coerce_to_string=True)
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=4, allow_null=True)
    total = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    tax_percent = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    product = serializers.IntegerField(**_ID)
    project = serializers.IntegerField(**_ID)
    finance_account = serializers.IntegerField(**_ID)
    tax_rate = serializers.IntegerField(**_ID)
    dimension = serializers.IntegerField(**_ID)
    effective = LineEffectiveSerializer()


class CodingDimensionSerializer(RefSerializer):
    group = serializers.CharField()


class CodingSerializer(serializers.Serializer):
    """The coding with labels to show; `sources` says which values a rule or suggestion set."""

    supplier = RefSerializer(allow_null=True)
    project = RefSerializer(allow_null=True)
    finance_account = RefSerializer(allow_null=True)
    tax_rate = RefSerializer(allow_null=True)
    dimensions = CodingDimensionSerializer(many=True)
    sources = serializers.DictField(child=serializers.CharField(allow_blank=True))


class SuggestionSerializer(serializers.Serializer):
    field = serializers.CharField()
    id = serializers.IntegerField()
    name = serializers.CharField()
    count = serializers.IntegerField()
    of = serializers.IntegerField()


class DuplicateSerializer(serializers.Serializer):
    """Another document of the company that this one may be a copy of (or that may be a copy of it)."""

    id = serializers.IntegerField()
    label = serializers.CharField()
    status = serializers.ChoiceField(choices=DocumentStatus.choices)
    reasons = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(REASONS.items())),
        help_text="Why they look alike, strongest first.",
    )
    reason = serializers.CharField(help_text='The reasons in words: "The same image".')
    distance = serializers.IntegerField(
        allow_null=True, help_text="How many of the 64 bits of the page images' pHash differ."
    )


class NotDuplicateInputSerializer(serializers.Serializer):
    other = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="The other document's id.")


class ApprovalApproverSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ApprovalDecisionSerializer(serializers.Serializer):
    user = serializers.IntegerField()
    name = serializers.CharField()
    decision = serializers.CharField()
    comment = serializers.CharField(allow_blank=True)
    forwarded_to = serializers.IntegerField(allow_null=True)
    forwarded_to_name = serializers.CharField(allow_blank=True)
    at = serializers.DateTimeField()


class ApprovalStepSummarySerializer(serializers.Serializer):
    """One step of the document's latest approval."""

    position = serializers.IntegerField()
    label = serializers.CharField(allow_blank=True)
    rule = serializers.CharField()
    status = serializers.CharField()
    approvers = ApprovalApproverSerializer(many=True)
    decisions = ApprovalDecisionSerializer(many=True)


class RejectionSerializer(serializers.Serializer):
    """Why an approver rejected the document (present while its status is "rejected")."""

    reason = serializers.CharField()
    by = serializers.CharField(help_text="The approver's name.")
    at = serializers.DateTimeField()


class BankAccountSerializer(serializers.Serializer):
    """The bill's IBAN against its supplier's accounts (four eyes on a new one)."""

    iban = serializers.CharField(allow_blank=True)
    state = serializers.ChoiceField(choices=["none", "known", "first", "new", "rejected"])
    known = serializers.ListField(child=serializers.CharField(), help_text="The supplier's known accounts.")
    needs_confirmation = serializers.BooleanField(help_text="Publishing waits for a second admin.")
    can_confirm = serializers.BooleanField(help_text="The requesting user may confirm it.")
    can_reject = serializers.BooleanField()
    refusal = serializers.CharField(allow_blank=True, help_text="Why the requesting user may not confirm.")


class BankAccountDecisionInputSerializer(StrictSerializer):
    """POST /documents/{id}/bank-account/: confirm or reject the bill's new bank account."""

    decision = serializers.ChoiceField(choices=["confirm", "reject"])
    iban = serializers.CharField(max_length=60, help_text="The IBAN being decided on (as shown).")
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class DocumentDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.ChoiceField(choices=DocumentType.choices)
    status = serializers.ChoiceField(choices=DocumentStatus.choices)
    status_label = serializers.CharField()
    rejection = RejectionSerializer(allow_null=True)
    filename = serializers.CharField()
    content_type = serializers.CharField()
    file = serializers.CharField(help_text="URL of the original bytes.")
    page_count = serializers.IntegerField()
    source = serializers.ChoiceField(choices=DocumentSource.choices)
    sender_email = serializers.CharField(allow_blank=True)
    received_at = serializers.DateTimeField()
    fields = serializers.DictField(help_text="Extracted (and corrected) values by field name.")
    confidence = serializers.DictField(help_text="Extraction confidence (0..1) by field name.")
    provenance = serializers.DictField(help_text="Where on the page each value was found.")
    warnings = serializers.ListField(child=serializers.JSONField())
    problems = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Field name → why it needs a look.",
    )
    corrected_fields = serializers.ListField(child=serializers.CharField())
    supplier = serializers.IntegerField(**_ID)
    project = serializers.IntegerField(**_ID)
    finance_account = serializers.IntegerField(**_ID)
    tax_rate = serializers.IntegerField(**_ID)
    dimensions = serializers.ListField(child=serializers.IntegerField())
    lines = DocumentLineSerializer(many=True)
    coding = CodingSerializer()
    suggestions = SuggestionSerializer(many=True)
    duplicates = DuplicateSerializer(many=True)
    missing_for_record = serializers.ListField(child=serializers.CharField())
    assigned_to = serializers.IntegerField(**_ID)
    expense_report = serializers.IntegerField(**_ID)
    note = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField()
    recorded_at = serializers.DateTimeField(allow_null=True)
    recorded_by = serializers.IntegerField(**_ID)
    approvals = ApprovalStepSummarySerializer(many=True)
    publishing = PublishingSummarySerializer()
    bank_account = BankAccountSerializer()


class DocumentFieldsInputSerializer(StrictSerializer):
    """Corrected extracted values: each one a person may correct, typed and capped like its column."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in TEXT_FIELDS:
            self.fields[name] = serializers.CharField(
                required=False, allow_blank=True, allow_null=True, max_length=TEXT_LIMITS.get(name, 255)
            )
        for name in DATE_FIELDS:
            self.fields[name] = serializers.DateField(required=False, allow_null=True)
        for name in AMOUNT_FIELDS:
            self.fields[name] = DecimalInput(shape=AMOUNT, required=False, allow_null=True)


class DocumentLineInputSerializer(StrictSerializer):
    """A line to change (`id`), delete (`id` + `delete`) or add (no `id`)."""

    id = IdInput(required=False)
    delete = serializers.BooleanField(required=False)
    description = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=500)
    quantity = DecimalInput(shape=QUANTITY, required=False, allow_null=True)
    unit_price = DecimalInput(shape=PRICE, required=False, allow_null=True)
    total = DecimalInput(shape=AMOUNT, required=False, allow_null=True)
    tax_percent = DecimalInput(shape=PERCENT, required=False, allow_null=True)
    product = IdInput(required=False, **_ID)
    project = IdInput(required=False, **_ID)
    finance_account = IdInput(required=False, **_ID)
    tax_rate = IdInput(required=False, **_ID)
    dimension = IdInput(required=False, **_ID)


class DocumentPatchSerializer(StrictSerializer):
    """Corrections and coding, in the shape of the detail; ids of the company's own records, null clears.
    With `version` (the one the client read), a document changed since answers 409."""

    fields = DocumentFieldsInputSerializer(
        required=False, help_text='Corrected values, e.g. {"total": "12.00"}.'
    )
    supplier = IdInput(required=False, **_ID)
    project = IdInput(required=False, **_ID)
    finance_account = IdInput(required=False, **_ID)
    tax_rate = IdInput(required=False, **_ID)
    dimensions = serializers.ListField(child=IdInput(), required=False, max_length=MAX_LIST_ITEMS)
    lines = DocumentLineInputSerializer(many=True, required=False, max_length=MAX_LIST_ITEMS)
    type = serializers.ChoiceField(choices=DocumentType.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=10_000)
    assigned_to = IdInput(required=False, help_text="A member's user id.", **_ID)
    version = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_POSITIVE_INT, help_text="The version read; stale → 409."
    )
