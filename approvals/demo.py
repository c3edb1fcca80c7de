"""Demo data: purchase invoices above 5,000.00 need the `approver` user (shared/API.md)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model

from approvals.models import ApprovalWorkflow
from approvals.services import approval_workflow_save
from core.demo import register

DEMO_WORKFLOW = "Purchase invoices above 5,000.00"


@register("approval workflow")
def approval_workflow(company) -> None:
    if ApprovalWorkflow.objects.for_company(company).filter(name=DEMO_WORKFLOW).exists():
        return
    User = get_user_model()
    approver = User.objects.get(username="approver")
    admin = User.objects.filter(username="admin").first()
    approval_workflow_save(
        company=company,
        actor=admin,
        name=DEMO_WORKFLOW,
        document_types=["purchase_invoice"],
        min_amount=Decimal("5000.00"),
        steps=[{"users": [approver], "rule": "any"}],
    )
