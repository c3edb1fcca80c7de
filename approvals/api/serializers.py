from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework import serializers

from accounts.models import Role
from approvals.choices import EXPENSE_REPORT, StepRule
from approvals.models import ApprovalWorkflow
from core.validation import AMOUNT, MAX_POSITIVE_INT, DecimalInput, IdInput, StrictSerializer
from documents.choices import DocumentType

WORKFLOW_TYPES = [*DocumentType.values, EXPENSE_REPORT]


class StepSerializer(StrictSerializer):
    approvers = serializers.ListField(child=IdInput(), required=False, default=list, max_length=100)
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Role.choices), required=False, default=list
    )
    project_manager = serializers.BooleanField(required=False, default=False)
    rule = serializers.ChoiceField(choices=StepRule.choices, default=StepRule.ANY)


class WorkflowSerializer(StrictSerializer):
    """{"name", "document_types", "min_amount", "steps": [{"approvers", "rule", ...}], conditions...}"""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=200)
    document_types = serializers.ListField(
        child=serializers.ChoiceField(choices=WORKFLOW_TYPES), required=False, default=list
    )
    min_amount = DecimalInput(shape=AMOUNT, required=False, default="0.00")
    supplier = IdInput(required=False, allow_null=True, default=None)
    project = IdInput(required=False, allow_null=True, default=None)
    finance_account = IdInput(required=False, allow_null=True, default=None)
    is_active = serializers.BooleanField(required=False, default=True)
    priority = serializers.IntegerField(required=False, default=100, min_value=0, max_value=MAX_POSITIVE_INT)
    remind_after_hours = serializers.IntegerField(required=False, default=24, min_value=1, max_value=24 * 30)
    steps = StepSerializer(many=True, max_length=20)

    def to_representation(self, workflow: ApprovalWorkflow) -> dict:
        return {
            "id": workflow.pk,
            "name": workflow.name,
            "document_types": list(workflow.document_types),
            "min_amount": str(workflow.min_amount),
            "supplier": workflow.supplier_id,
            "project": workflow.project_id,
            "finance_account": workflow.finance_account_id,
            "is_active": workflow.is_active,
            "priority": workflow.priority,
            "remind_after_hours": workflow.remind_after_hours,
            "steps": [
                {
                    "approvers": sorted(u.pk for u in step.users.all()),
                    "roles": list(step.roles),
                    "project_manager": step.project_manager,
                    "rule": step.rule,
                }
                for step in workflow.steps.all()
            ],
        }


def step_specs(*, steps: list[dict], company) -> list[dict]:
    """API steps → service steps: approver ids become the company's users (unknown ids are refused)."""
    User = get_user_model()
    ids = {pk for step in steps for pk in step.get("approvers", [])}
    users = {u.pk: u for u in User.objects.filter(pk__in=ids, memberships__company=company)}
    missing = sorted(ids - users.keys())
    if missing:
        raise serializers.ValidationError({"steps": [f"Unknown approver: {pk}." for pk in missing]})
    return [
        {
            "users": [users[pk] for pk in step.get("approvers", [])],
            "roles": step.get("roles", []),
            "project_manager": step.get("project_manager", False),
            "rule": step.get("rule", StepRule.ANY),
        }
        for step in steps
    ]


class DecisionSerializer(StrictSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class ForwardSerializer(DecisionSerializer):
    to = IdInput(help_text="User id of a member of the company")
