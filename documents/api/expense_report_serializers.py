"""Shapes of the /expense-reports/ routes for the OpenAPI schema. `expense_report_views.report_data`
builds the answer; `ExpenseReportInputSerializer` validates the body that `documents.expense_reports` applies."""

from __future__ import annotations

from rest_framework import serializers

from core.validation import MAX_LIST_ITEMS, MAX_POSITIVE_INT, IdInput, StrictSerializer
from documents.choices import DocumentStatus, ExpenseReportStatus, PaidBy

_AMOUNT = {"max_digits": 14, "decimal_places": 2}


class ExpenseReportLineSerializer(serializers.Serializer):
    """One receipt in the report."""

    document = serializers.IntegerField()
    label = serializers.CharField()
    date = serializers.DateField(allow_null=True)
    total = serializers.DecimalField(allow_null=True, **_AMOUNT)
    currency = serializers.CharField(allow_blank=True)
    project = serializers.IntegerField(allow_null=True)
    effective_project = serializers.IntegerField(
        allow_null=True, help_text="The receipt's, else the report's."
    )
    status = serializers.ChoiceField(choices=DocumentStatus.choices)
    waiting = serializers.ListField(
        child=serializers.CharField(),
        help_text="What the receipt still needs before the report is confirmed.",
    )
    flags = serializers.ListField(
        child=serializers.CharField(), help_text="To look at: dated outside the period, another currency."
    )


class ExpenseReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    employee = serializers.IntegerField(help_text="The user id of the employee who reports.")
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)
    project = serializers.IntegerField(allow_null=True)
    paid_by = serializers.ChoiceField(choices=PaidBy.choices)
    status = serializers.ChoiceField(choices=ExpenseReportStatus.choices)
    submitted_at = serializers.DateTimeField(allow_null=True)
    documents = serializers.ListField(child=serializers.IntegerField(), help_text="Receipt document ids.")
    lines = ExpenseReportLineSerializer(many=True)
    waiting_for = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Receipts not read and coded yet: the report is not approved or confirmed until none is.",
    )
    total = serializers.DecimalField(help_text="Receipts in the company's currency only.", **_AMOUNT)
    other_currencies = serializers.DictField(child=serializers.CharField(), help_text="Currency → total.")
    without_currency = serializers.IntegerField(help_text="Receipts without a currency (not summed).")
    reimbursable = serializers.DecimalField(**_AMOUNT)
    currency = serializers.CharField()
    version = serializers.IntegerField()


class ExpenseReportListSerializer(serializers.Serializer):
    results = ExpenseReportSerializer(many=True, help_text="At most 200.")


class ExpenseReportLineInputSerializer(StrictSerializer):
    document = IdInput()
    project = IdInput(allow_null=True)


class ExpenseReportInputSerializer(StrictSerializer):
    """POST (a title is required) and PATCH body; `documents` is the full list of receipt ids.
    PATCH with `version` (the one read) answers 409 when someone changed the report since."""

    title = serializers.CharField(required=False, max_length=200)
    employee = IdInput(
        required=False, allow_null=True, help_text="POST only; accountants may report for a member."
    )
    period_start = serializers.DateField(required=False, allow_null=True)
    period_end = serializers.DateField(required=False, allow_null=True)
    project = IdInput(required=False, allow_null=True)
    paid_by = serializers.ChoiceField(choices=PaidBy.choices, required=False)
    documents = serializers.ListField(child=IdInput(), required=False, max_length=MAX_LIST_ITEMS)
    lines = ExpenseReportLineInputSerializer(
        many=True, required=False, max_length=MAX_LIST_ITEMS, help_text="PATCH only: a receipt's own project."
    )
    version = serializers.IntegerField(required=False, min_value=1, max_value=MAX_POSITIVE_INT)
