"""Approval workflows (what an admin configures) and approval requests (one run of a workflow).

A workflow is a template: conditions that pick it, and ordered steps naming who approves. When a
document or expense report enters approval, an `ApprovalRequest` snapshots the steps with the
approvers resolved to users at that moment (roles and "the project's manager" become people), so
later changes to the workflow or to roles never change who may decide on a request in flight.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from approvals.choices import Decision, RequestStatus, StepRule, StepStatus
from core.tenancy import CompanyOwned


class ApprovalWorkflow(CompanyOwned):
    name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    priority = models.PositiveIntegerField(
        default=100, help_text="When several workflows match, the lowest number wins."
    )
    # Conditions; an empty condition matches everything.
    # JSON lists rather than ArrayField: the demo runs on SQLite.
    document_types = models.JSONField(
        default=list,
        blank=True,
        help_text="purchase_invoice, receipt, sales_invoice, expense_report; empty = all.",
    )
    min_amount = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        default=Decimal("0.00"),
        help_text="Applies to totals above this amount (company currency); 0 = any amount.",
    )
    supplier = models.ForeignKey(
        "bookkeeping.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    project = models.ForeignKey(
        "bookkeeping.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finance_account = models.ForeignKey(
        "bookkeeping.FinanceAccount", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    remind_after_hours = models.PositiveIntegerField(
        default=24, help_text="Remind approvers who have not decided after this many hours."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        return self.name


class ApprovalStep(models.Model):
    """One step of a workflow: who approves (users, roles, the project's manager) and how many must."""

    workflow = models.ForeignKey(ApprovalWorkflow, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField(default=0)
    rule = models.CharField(max_length=3, choices=StepRule.choices, default=StepRule.ANY)
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    roles = models.JSONField(default=list, blank=True, help_text='Role names, e.g. ["approver"].')
    project_manager = models.BooleanField(
        default=False, help_text="The manager of the document's project (from Scoro) approves."
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.workflow} step {self.position + 1}"

    @property
    def company_id(self) -> int:
        return self.workflow.company_id


class ApprovalRequest(CompanyOwned):
    """One run of approval for a document or an expense report."""

    document = models.ForeignKey(
        "documents.Document",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="approval_requests",
    )
    expense_report = models.ForeignKey(
        "documents.ExpenseReport",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="approval_requests",
    )
    workflow = models.ForeignKey(
        ApprovalWorkflow, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    workflow_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING, db_index=True
    )
    subject_version = models.PositiveIntegerField(default=1, help_text="Document version approved")
    remind_after_hours = models.PositiveIntegerField(default=24)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(document__isnull=False, expense_report__isnull=True)
                | Q(document__isnull=True, expense_report__isnull=False),
                name="approval_request_one_subject",
            ),
            models.UniqueConstraint(
                fields=["document"],
                condition=Q(status=RequestStatus.PENDING, document__isnull=False),
                name="one_pending_approval_per_document",
            ),
            models.UniqueConstraint(
                fields=["expense_report"],
                condition=Q(status=RequestStatus.PENDING, expense_report__isnull=False),
                name="one_pending_approval_per_report",
            ),
        ]

    def __str__(self) -> str:
        return f"Approval of {self.subject} ({self.get_status_display()})"

    @property
    def subject(self):
        return self.document if self.document_id else self.expense_report

    @property
    def is_pending(self) -> bool:
        return self.status == RequestStatus.PENDING


class ApprovalRequestStep(models.Model):
    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField()
    label = models.CharField(max_length=200, blank=True)
    rule = models.CharField(max_length=3, choices=StepRule.choices, default=StepRule.ANY)
    approvers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="approval_steps")
    status = models.CharField(
        max_length=10, choices=StepStatus.choices, default=StepStatus.WAITING, db_index=True
    )
    activated_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["request", "position"], name="unique_approval_step_position")
        ]

    def __str__(self) -> str:
        return f"Step {self.position + 1} of {self.request}"

    @property
    def company_id(self) -> int:
        return self.request.company_id


class ApprovalDecision(models.Model):
    step = models.ForeignKey(ApprovalRequestStep, on_delete=models.CASCADE, related_name="decisions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    comment = models.TextField(blank=True)
    forwarded_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.user} {self.decision} {self.step}"


class ApprovalLinkUse(models.Model):
    """A signed approve / reject link from an e-mail that decided: its nonce, so it never decides twice.

    Links are not stored when they are sent (the signature is the proof); only a used one leaves a row.
    """

    nonce = models.CharField(max_length=32, unique=True)
    step = models.ForeignKey(ApprovalRequestStep, on_delete=models.CASCADE, related_name="link_uses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    used_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} {self.decision} {self.step} by e-mail link"


class ApprovalDigest(models.Model):
    """The daily digest sent to `user` on `day`: one a day, however often the beat task runs."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    items = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_approval_digest_a_day")]

    def __str__(self) -> str:
        return f"Approval digest for {self.user} on {self.day}"
