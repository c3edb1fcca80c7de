"""Approval workflows (admin) and approval decisions (approvers, e.g. from the mobile app)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.mixins import CompanyScopedViewSetMixin
from accounts.api.permissions import requires
from approvals import selectors, services
from approvals.api.serializers import DecisionSerializer, ForwardSerializer, WorkflowSerializer, step_specs
from approvals.models import ApprovalWorkflow
from bookkeeping.models import Contact, FinanceAccount, Project


class ApprovalWorkflowViewSet(CompanyScopedViewSetMixin, viewsets.ModelViewSet):
    """GET, POST /approval-workflows/; GET, PATCH, PUT, DELETE /approval-workflows/{id}/ (admins)."""

    serializer_class = WorkflowSerializer
    permission_classes = [requires("approvals.manage")]
    queryset = ApprovalWorkflow.objects.prefetch_related("steps__users")

    def _save(self, request, workflow: ApprovalWorkflow | None, *, partial: bool) -> ApprovalWorkflow:
        serializer = self.get_serializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        current = WorkflowSerializer(workflow).data if workflow is not None else {}
        merged = {**current, **data} if partial else data
        company = request.company

        def scoped(model, pk):
            return None if pk is None else get_object_or_404(model.objects.for_company(company), pk=pk)

        steps = merged["steps"]
        return services.approval_workflow_save(
            company=company,
            actor=request.user,
            workflow=workflow,
            name=merged["name"],
            document_types=merged.get("document_types", []),
            min_amount=Decimal(str(merged.get("min_amount") or "0")),
            supplier=scoped(Contact, merged.get("supplier")),
            project=scoped(Project, merged.get("project")),
            finance_account=scoped(FinanceAccount, merged.get("finance_account")),
            is_active=merged.get("is_active", True),
            priority=merged.get("priority", 100),
            remind_after_hours=merged.get("remind_after_hours", 24),
            steps=step_specs(steps=steps, company=company),
        )

    def create(self, request, *args, **kwargs):
        workflow = self._save(request, None, partial=False)
        return Response(WorkflowSerializer(workflow).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        workflow = self._save(request, self.get_object(), partial=kwargs.get("partial", False))
        return Response(WorkflowSerializer(workflow).data)

    def destroy(self, request, *args, **kwargs):
        services.approval_workflow_delete(workflow=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class _DecisionApi(APIView):
    """Base for POST …/{id}/approve|reject|forward/: 404 unless visible to the member, 403 unless
    they approve the current step (checked by the service)."""

    serializer_class = DecisionSerializer
    kind = "document"

    def _subject(self, request, pk: int):
        if self.kind == "document":
            return get_object_or_404(selectors.documents_for_approver(membership=request.membership), pk=pk)
        return get_object_or_404(selectors.expense_reports_for_approver(membership=request.membership), pk=pk)

    def _request_for(self, subject):
        if self.kind == "document":
            return services.approval_request_for_decision(document=subject)
        return services.approval_request_for_decision(report=subject)

    def _answer(self, subject) -> Response:
        subject.refresh_from_db()
        summary = (
            selectors.approval_summary_for(document=subject)
            if self.kind == "document"
            else selectors.approval_summary_for_report(report=subject)
        )
        return Response({"id": subject.pk, "status": subject.status, "approvals": summary})

    def post(self, request, pk: int):
        subject = self._subject(request, pk)
        serializer = self.serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.decide(request, self._request_for(subject), serializer.validated_data)
        return self._answer(subject)


class ApproveApi(_DecisionApi):
    @extend_schema(request=DecisionSerializer, summary="Approve the current approval step")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def decide(self, request, approval, data):
        services.approval_approve(request=approval, actor=request.user, comment=data["comment"])


class RejectApi(_DecisionApi):
    @extend_schema(request=DecisionSerializer, summary="Reject (a reason in `comment` is required)")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def decide(self, request, approval, data):
        services.approval_reject(request=approval, actor=request.user, comment=data["comment"])


class ForwardApi(_DecisionApi):
    serializer_class = ForwardSerializer

    @extend_schema(request=ForwardSerializer, summary="Forward your part of the current step to a member")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def decide(self, request, approval, data):
        to_user = get_user_model().objects.filter(pk=data["to"]).first()
        services.approval_forward(
            request=approval, actor=request.user, to_user=to_user, comment=data["comment"]
        )
