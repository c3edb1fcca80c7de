"""REST: /rules/ (GET, POST), /rules/{id}/ (GET, PATCH, DELETE), /rules/preview/ and /rules/{id}/preview/."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api.mixins import CompanyScopedViewSetMixin
from rules.api.serializers import RuleInputSerializer, RulePreviewSerializer, RuleSerializer
from rules.models import Rule
from rules.services import rule_build, rule_delete, rule_describe, rule_preview, rule_save


def rule_data(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.pk,
        "name": rule.name,
        "position": rule.position,
        "is_active": rule.is_active,
        "description": rule_describe(rule),
        "conditions": {
            "supplier": rule.supplier_id,
            "supplier_vat_no": rule.supplier_vat_no,
            "keyword": rule.keyword,
            "amount_min": None if rule.amount_min is None else str(rule.amount_min),
            "amount_max": None if rule.amount_max is None else str(rule.amount_max),
            "document_type": rule.document_type,
            "sender_email": rule.sender_email,
        },
        "actions": {
            "project": rule.project_id,
            "finance_account": rule.finance_account_id,
            "tax_rate": rule.tax_rate_id,
            "dimensions": [d.pk for d in rule.dimensions.all()],
            "product": rule.product_id,
            "approver": rule.approver_id,
            "auto_record": rule.auto_record,
        },
        "applied_count": rule.applied_count,
        "last_applied_at": rule.last_applied_at,
    }


def _flat(data) -> dict[str, Any]:
    """The body validated; both the flat shape and the nested {"conditions", "actions"} one we return."""
    body = RuleInputSerializer(data=data)
    body.is_valid(raise_exception=True)
    return body.flat()


class RuleViewSet(
    CompanyScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Coding rules, for admins and accountants. Rules run in `position` order."""

    required_permission = "rules.manage"
    queryset = Rule.objects.select_related(
        "supplier", "project", "finance_account", "tax_rate", "product", "approver"
    ).prefetch_related("dimensions")
    pagination_class = None
    serializer_class = RuleSerializer  # the answer's shape, for the schema; the services validate input

    def list(self, request, *args, **kwargs):
        return Response([rule_data(r) for r in self.get_queryset()])

    def retrieve(self, request, *args, **kwargs):
        return Response(rule_data(self.get_object()))

    @extend_schema(request=RuleInputSerializer, responses={201: RuleSerializer})
    def create(self, request):
        rule = rule_save(company=request.company, rule=None, data=_flat(request.data), actor=request.user)
        return Response(rule_data(rule), status=status.HTTP_201_CREATED)

    @extend_schema(request=RuleInputSerializer, responses=RuleSerializer)
    def partial_update(self, request, pk=None):
        rule = rule_save(
            company=request.company, rule=self.get_object(), data=_flat(request.data), actor=request.user
        )
        return Response(rule_data(rule))

    def destroy(self, request, pk=None):
        rule_delete(rule=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=RuleInputSerializer, responses=RulePreviewSerializer, operation_id="v1_rules_preview_unsaved"
    )
    @action(detail=False, methods=["post"])
    def preview(self, request):
        """Try an unsaved rule on past documents: what it would change. Nothing is written."""
        rule = rule_build(company=request.company, rule=None, data=_flat(request.data))
        return Response(_preview_data(rule))

    @extend_schema(request=None, responses=RulePreviewSerializer, operation_id="v1_rules_preview_saved")
    @action(detail=True, methods=["post"], url_path="preview")
    def preview_saved(self, request, pk=None):
        return Response(_preview_data(self.get_object()))


def _preview_data(rule: Rule) -> dict[str, Any]:
    rows = rule_preview(rule=rule)
    return {
        "description": rule_describe(rule),
        "count": len(rows),
        "documents": [{"id": r.document.pk, "label": str(r.document), "changes": r.changes} for r in rows],
    }
