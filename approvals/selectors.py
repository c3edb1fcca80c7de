"""Approval reads: which workflow applies, who approves, what waits for whom, and the summaries."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import Role
from accounts.selectors import member_of
from approvals.choices import EXPENSE_REPORT, Decision, RequestStatus, StepRule, StepStatus
from approvals.models import ApprovalDecision, ApprovalRequest, ApprovalRequestStep, ApprovalWorkflow
from bookkeeping.models import ScoroUser
from documents.choices import DocumentStatus, ExpenseReportStatus
from documents.models import Document, ExpenseReport
from documents.selectors import document_queryset_for, expense_report_queryset_for

User = get_user_model()


@dataclass
class StepPlan:
    """A step as it will run: the people resolved from users, roles and the project's manager."""

    label: str
    rule: str
    approvers: list = field(default_factory=list)


@dataclass
class ApprovalPlan:
    workflow: ApprovalWorkflow | None
    steps: list[StepPlan]
    remind_after_hours: int = field(default_factory=lambda: settings.ENVOICE_APPROVAL_REMIND_AFTER_HOURS)


# ---------------------------------------------------------------------------
# Routing
# ---------------------------------------------------------------------------


def _amount_exceeds(*, document, threshold: Decimal) -> bool:
    """Is the document's total above the threshold (company currency)?

    There are no exchange rates in Envoice, so a total in another currency (or no total at all)
    cannot be shown to be below the threshold: it counts as above it. Approval errs on the safe side.
    """
    if not threshold:
        return True
    if document.total is None:
        return True
    if document.currency and document.currency.upper() != document.company.currency.upper():
        return True
    return document.total > threshold


def workflow_matches(*, workflow: ApprovalWorkflow, document) -> bool:
    if workflow.document_types and document.type not in workflow.document_types:
        return False
    if workflow.supplier_id and workflow.supplier_id != document.supplier_id:
        return False
    if workflow.project_id and workflow.project_id != document.project_id:
        return False
    if workflow.finance_account_id and workflow.finance_account_id != document.finance_account_id:
        return False
    return _amount_exceeds(document=document, threshold=workflow.min_amount)


def workflow_for_document(*, document) -> ApprovalWorkflow | None:
    """The first active workflow (by priority) whose conditions the document meets."""
    candidates = (
        ApprovalWorkflow.objects.for_company(document.company)
        .filter(is_active=True)
        .prefetch_related("steps__users")
    )
    return next((w for w in candidates if workflow_matches(workflow=w, document=document)), None)


def workflow_for_expense_report(*, report) -> ApprovalWorkflow | None:
    # Filtered in Python: JSON containment lookups differ between PostgreSQL and SQLite (demo).
    candidates = (
        ApprovalWorkflow.objects.for_company(report.company)
        .filter(is_active=True)
        .prefetch_related("steps__users")
    )
    return next((w for w in candidates if EXPENSE_REPORT in (w.document_types or [])), None)


def _members(company) -> QuerySet:
    return User.objects.filter(memberships__company=company, is_active=True)


def project_manager_for(*, project) -> User | None:
    """The member whose e-mail is the project's manager's in Scoro (bookkeeping.ScoroUser)."""
    if project is None or not project.manager_scoro_id:
        return None

    scoro_user = ScoroUser.objects.filter(
        company_id=project.company_id, scoro_id=project.manager_scoro_id
    ).first()
    if scoro_user is None or not scoro_user.email:
        return None
    return _members(project.company_id).filter(email__iexact=scoro_user.email).order_by("id").first()


def is_member(*, user, company) -> bool:
    return bool(user and user.is_authenticated) and _members(company).filter(pk=user.pk).exists()


def _admins(company) -> list:
    return list(_members(company).filter(memberships__role=Role.ADMIN).order_by("id"))


def _step_approvers(*, step, document) -> list:
    company = step.workflow.company
    people: dict[int, object] = {}
    for user in step.users.all():
        if _members(company).filter(pk=user.pk).exists():
            people[user.pk] = user
    if step.roles:
        for user in _members(company).filter(memberships__role__in=step.roles).order_by("id"):
            people.setdefault(user.pk, user)
    if step.project_manager and document is not None:
        manager = project_manager_for(project=document.project)
        if manager is not None:
            people.setdefault(manager.pk, manager)
    return list(people.values())


def _step_label(step) -> str:
    """A readable name for a step: "Mari Tamm, role: Approver, the project's manager"."""
    parts = [u.get_full_name() or u.get_username() for u in step.users.all()]
    parts += [f"role: {Role(r).label}" for r in step.roles if r in Role.values]
    if step.project_manager:
        parts.append("the project's manager")
    return ", ".join(parts)


def _fallback_step(*, company, label: str) -> StepPlan:
    # Nobody resolved (e.g. the project has no manager in Envoice): admins decide, nothing skips approval.
    return StepPlan(
        label=f"{label} (no approver found: company admins decide)",
        rule=StepRule.ANY,
        approvers=_admins(company),
    )


def approval_plan_for_document(*, document) -> ApprovalPlan | None:
    """Which steps `document` must pass, or None when it needs no approval."""
    if not document.company.approvals_enabled:
        return None
    workflow = workflow_for_document(document=document)
    steps: list[StepPlan] = []
    if workflow is not None:
        for step in workflow.steps.all():
            label = _step_label(step)
            approvers = _step_approvers(step=step, document=document)
            steps.append(
                StepPlan(label=label, rule=step.rule, approvers=approvers)
                if approvers
                else _fallback_step(company=document.company, label=label)
            )
    named = _named_approver(document=document)
    if named is not None and not any(s.approvers == [named] for s in steps):
        steps.append(StepPlan(label="Named by a coding rule", rule=StepRule.ANY, approvers=[named]))
    if not steps:
        return None
    return ApprovalPlan(
        workflow=workflow,
        steps=steps,
        remind_after_hours=workflow.remind_after_hours
        if workflow
        else settings.ENVOICE_APPROVAL_REMIND_AFTER_HOURS,
    )


def _named_approver(*, document):
    """The person a coding rule named (Document.named_approver), while still a member of the company."""
    if document.named_approver_id is None:
        return None
    return _members(document.company).filter(pk=document.named_approver_id).first()


def approval_plan_for_expense_report(*, report) -> ApprovalPlan | None:
    """A submitted report: a workflow for expense reports (named approvers), else the employee's manager."""
    if not report.company.approvals_enabled:
        return None
    workflow = workflow_for_expense_report(report=report)
    if workflow is not None:
        steps = []
        for step in workflow.steps.all():
            label = _step_label(step)
            approvers = [u for u in _step_approvers(step=step, document=None) if u.pk != report.employee_id]
            steps.append(
                StepPlan(label=label, rule=step.rule, approvers=approvers)
                if approvers
                else _fallback_step(company=report.company, label=label)
            )
        if steps:
            return ApprovalPlan(
                workflow=workflow, steps=steps, remind_after_hours=workflow.remind_after_hours
            )
    membership = member_of(company=report.company, user_id=report.employee_id)
    manager = membership.manager if membership else None
    if (
        manager is None
        or manager.pk == report.employee_id
        or not _members(report.company).filter(pk=manager.pk).exists()
    ):
        return None
    return ApprovalPlan(
        workflow=None,
        steps=[StepPlan(label="The employee's manager", rule=StepRule.ANY, approvers=[manager])],
    )


# ---------------------------------------------------------------------------
# Requests in flight
# ---------------------------------------------------------------------------


def documents_for_approver(*, membership) -> QuerySet:
    """Documents a member may act on: those they may see, plus those they are asked to approve
    (a project manager with the employee role sees only their own uploads otherwise)."""

    if membership is None:
        return Document.objects.none()
    asked = ApprovalRequest.objects.for_company(membership.company).filter(steps__approvers=membership.user)
    return Document.objects.for_company(membership.company).filter(
        Q(pk__in=document_queryset_for(membership=membership).values("pk"))
        | Q(pk__in=asked.values("document_id"))
    )


def expense_reports_for_approver(*, membership) -> QuerySet:

    if membership is None:
        return ExpenseReport.objects.none()
    asked = ApprovalRequest.objects.for_company(membership.company).filter(steps__approvers=membership.user)
    return ExpenseReport.objects.for_company(membership.company).filter(
        Q(pk__in=expense_report_queryset_for(membership=membership).values("pk"))
        | Q(pk__in=asked.values("expense_report_id"))
    )


def approval_request_pending(*, document=None, report=None) -> ApprovalRequest | None:
    qs = ApprovalRequest.objects.filter(status=RequestStatus.PENDING)
    qs = qs.filter(document=document) if document is not None else qs.filter(expense_report=report)
    return qs.first()


def approval_request_latest(*, document=None, report=None) -> ApprovalRequest | None:
    qs = ApprovalRequest.objects.all()
    qs = qs.filter(document=document) if document is not None else qs.filter(expense_report=report)
    return qs.prefetch_related(
        Prefetch("steps", queryset=ApprovalRequestStep.objects.prefetch_related("approvers")),
        Prefetch(
            "steps__decisions", queryset=ApprovalDecision.objects.select_related("user", "forwarded_to")
        ),
    ).first()


def current_step(*, request: ApprovalRequest) -> ApprovalRequestStep | None:
    if not request.is_pending:
        return None
    return request.steps.filter(status=StepStatus.PENDING).order_by("position").first()


def _awaiting_user(*, user) -> Q:
    """Pending steps naming `user` on which they have not decided yet."""
    decided = ApprovalDecision.objects.filter(step=OuterRef("pk"), user=user)
    return Q(status=StepStatus.PENDING, approvers=user) & ~Q(Exists(decided))


def steps_awaiting(*, user, company) -> QuerySet[ApprovalRequestStep]:
    if user is None or not user.is_authenticated or company is None:
        return ApprovalRequestStep.objects.none()
    # A request whose subject left approval some other way (e.g. reopened) waits for nobody.
    subject_in_approval = Q(request__document__status=DocumentStatus.IN_APPROVAL) | Q(
        request__expense_report__status=ExpenseReportStatus.IN_APPROVAL
    )
    return ApprovalRequestStep.objects.filter(
        _awaiting_user(user=user),
        subject_in_approval,
        request__company=company,
        request__status=RequestStatus.PENDING,
    ).distinct()


def approval_pending_count(*, user, company) -> int:
    return steps_awaiting(user=user, company=company).count()


def approval_queue_for(*, user, company) -> list[ApprovalRequest]:
    """Requests waiting for `user`'s decision in `company`, oldest first."""
    step_ids = steps_awaiting(user=user, company=company).values("request_id")
    return list(
        ApprovalRequest.objects.for_company(company)
        .filter(pk__in=step_ids)
        .select_related(
            "document__supplier",
            "document__project",
            "document__finance_account",
            "document__tax_rate",
            "expense_report__employee",
            "expense_report__project",
        )
        .prefetch_related(
            Prefetch("steps", queryset=ApprovalRequestStep.objects.prefetch_related("approvers")),
            Prefetch(
                "steps__decisions", queryset=ApprovalDecision.objects.select_related("user", "forwarded_to")
            ),
            "document__lines",
            "expense_report__documents",
        )
        .order_by("started_at", "id")
    )


def digest_recipients() -> QuerySet:
    """Active users with an e-mail address named on an open step (who may or may not have decided)."""
    return (
        User.objects.filter(
            is_active=True,
            approval_steps__status=StepStatus.PENDING,
            approval_steps__request__status=RequestStatus.PENDING,
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def waiting_for_digest(*, user) -> list[tuple]:
    """[(company, [step, …]), …]: what waits for `user`'s decision in each company they belong to,
    oldest first (the daily digest)."""
    out = []
    for membership in user.memberships.select_related("company").order_by("company__name"):
        steps = list(
            steps_awaiting(user=user, company=membership.company)
            .select_related(
                "request__company", "request__document__supplier", "request__expense_report__employee"
            )
            .order_by("activated_at", "pk")
        )
        if steps:
            out.append((membership.company, steps))
    return out


def approval_recent_decisions_by(*, user, company, limit: int = 10) -> list[ApprovalDecision]:
    return list(
        ApprovalDecision.objects.filter(user=user, step__request__company=company)
        .select_related("step__request__document", "step__request__expense_report", "forwarded_to")
        .order_by("-decided_at", "-id")[:limit]
    )


def subject_in_approval(*, request: ApprovalRequest) -> bool:
    if request.document_id:
        return request.document.status == DocumentStatus.IN_APPROVAL
    return request.expense_report.status == ExpenseReportStatus.IN_APPROVAL


def user_can_decide(*, request: ApprovalRequest, user) -> bool:
    if not subject_in_approval(request=request):
        return False
    step = current_step(request=request)
    if step is None:
        return False
    return step.approvers.filter(pk=user.pk).exists() and not step.decisions.filter(user=user).exists()


# ---------------------------------------------------------------------------
# Summaries (API detail, review page, Scoro comment)
# ---------------------------------------------------------------------------


def display_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _steps_summary(request: ApprovalRequest) -> list[dict]:
    out = []
    for step in request.steps.all():
        out.append(
            {
                "position": step.position + 1,
                "label": step.label,
                "rule": step.rule,
                "status": step.status,
                "approvers": [{"id": u.pk, "name": display_name(u)} for u in step.approvers.all()],
                "decisions": [
                    {
                        "user": d.user_id,
                        "name": display_name(d.user),
                        "decision": d.decision,
                        "comment": d.comment,
                        "forwarded_to": d.forwarded_to_id,
                        "forwarded_to_name": display_name(d.forwarded_to),
                        "at": d.decided_at.isoformat(),
                    }
                    for d in step.decisions.all()
                ],
            }
        )
    return out


def approval_summary_for(*, document) -> list[dict]:
    """The document's latest approval: one dict per step with its approvers and decisions."""
    request = approval_request_latest(document=document)
    if request is None:
        return []
    return _steps_summary(request)


def approval_summary_for_report(*, report) -> list[dict]:
    request = approval_request_latest(report=report)
    return _steps_summary(request) if request else []


def approval_comment_for(*, document) -> str:
    """The text that goes into the Scoro bill's comment.

    "Imported from Envoice. Approved by Mari Tamm on 2026-03-04 14:20; Jaan Kask on 2026-03-05 09:02."
    Times are in the site's time zone; only the approval that made the document ready counts.
    """
    text = "Imported from Envoice."
    request = (
        ApprovalRequest.objects.filter(document=document, status=RequestStatus.APPROVED)
        .order_by("-finished_at", "-id")
        .first()
    )
    if request is None:
        return text
    decisions = (
        ApprovalDecision.objects.filter(step__request=request, decision=Decision.APPROVED)
        .select_related("user")
        .order_by("decided_at", "id")
    )
    parts = [
        f"{display_name(d.user)} on {timezone.localtime(d.decided_at):%Y-%m-%d %H:%M}" for d in decisions
    ]
    if not parts:
        return text
    return f"{text} Approved by {'; '.join(parts)}."


def report_decided(*, report) -> bool:
    """Has an approver decided anything on the report's pending approval? (Then it cannot be withdrawn.)"""
    return ApprovalDecision.objects.filter(
        step__request__expense_report=report, step__request__status=RequestStatus.PENDING
    ).exists()
