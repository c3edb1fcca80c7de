"""Approval writes: starting, deciding (approve / reject / forward), restarting, and workflow admin.

Every decision leaves a row in ApprovalDecision and an audit event on the document (or expense
report): who, when, what, and the comment. Document state moves only through documents.state.
"""

from __future__ import annotations

import logging
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from accounts.models import Company, Role
from approvals import selectors, tasks
from approvals.choices import EXPENSE_REPORT, Decision, RequestStatus, StepRule, StepStatus
from approvals.models import (
    ApprovalDecision,
    ApprovalRequest,
    ApprovalRequestStep,
    ApprovalStep,
    ApprovalWorkflow,
)
from approvals.state import REQUEST_MACHINE, STEP_MACHINE
from audit.services import audit_record
from core.errors import InvalidTransition, NotPermitted, ValidationFailed
from core.hooks import Happened, announce
from documents.choices import DocumentStatus, DocumentType, ExpenseReportStatus
from documents.expense_report_checks import receipts_waiting, waiting_message
from documents.models import Document, ExpenseReport
from documents.state import report_transition, transition

log = logging.getLogger(__name__)
User = get_user_model()


# ---------------------------------------------------------------------------
# Entering approval (contract hooks)
# ---------------------------------------------------------------------------


def approval_start_if_required(*, document, actor) -> bool:
    """Route a recorded (or submitted) document into its approval workflow, if one applies.

    Returns True when the document entered approval (status in_approval), False when it needs none.
    """
    plan = selectors.approval_plan_for_document(document=document)
    if plan is None:
        return False
    with transaction.atomic():
        _cancel_pending(document=document, event="cancel", actor=actor)
        transition(
            document,
            "send_to_approval",
            actor=actor,
            message=f"Sent to approval: {_plan_name(plan)}.",
            data={"workflow": plan.workflow.pk if plan.workflow else None},
        )
        _request_create(plan=plan, document=document, actor=actor)
    return True


def approval_restart_if_in_progress(*, document, actor) -> bool:
    """An edit of amounts or coding during approval restarts it. Returns True when restarted.

    The workflow is chosen again (the edit may have changed which one applies); decisions already
    taken no longer count. When no workflow applies any more, the document becomes ready.
    """
    becomes_ready = False
    with transaction.atomic():
        document = Document.objects.select_related("company").get(pk=document.pk)
        if document.status != DocumentStatus.IN_APPROVAL:
            return False
        if not _cancel_pending(document=document, event="restart", actor=actor):
            return False
        audit_record(
            target=document,
            verb="approval_restarted",
            actor=actor,
            message="Amounts or coding changed during approval; approval starts again.",
            data={"version": document.version},
        )
        plan = selectors.approval_plan_for_document(document=document)
        if plan is None:
            transition(document, "approve", actor=actor, message="No approval needed after the edit.")
            becomes_ready = True
        else:
            _request_create(plan=plan, document=document, actor=actor)
    if becomes_ready:
        announce(Happened.DOCUMENT_READY, document=document)
    return True


def approval_start_for_expense_report(*, report, actor) -> bool:
    """Route a submitted expense report into its approval. Returns True when it needs approval."""
    plan = selectors.approval_plan_for_expense_report(report=report)
    if plan is None:
        return False
    with transaction.atomic():
        report = ExpenseReport.objects.select_for_update().get(pk=report.pk)
        _cancel_pending(report=report, event="cancel", actor=actor)
        _report_set_status(
            report,
            actor=actor,
            verb="send_to_approval",
            message=f"Sent to approval: {_plan_name(plan)}.",
        )
        _request_create(plan=plan, report=report, actor=actor)
    return True


# ---------------------------------------------------------------------------
# Decisions
# ---------------------------------------------------------------------------


def approval_approve(*, request: ApprovalRequest, actor, comment: str = "") -> ApprovalRequest:
    """`actor` approves the current step; the last step's approval makes the subject ready/confirmed."""
    finished = False
    with transaction.atomic():
        request, step = _lock_for_decision(request=request, actor=actor)
        if request.expense_report_id:
            # An approval means the receipts were looked at: the report waits until each is read and coded.
            waiting = receipts_waiting(request.expense_report)
            if waiting:
                raise ValidationFailed(
                    f"Not yet: {waiting_message(waiting)}", {"waiting": [c.document.pk for c in waiting]}
                )
        ApprovalDecision.objects.create(step=step, user=actor, decision=Decision.APPROVED, comment=comment)
        _audit_decision(request=request, step=step, actor=actor, verb="approval_approved", comment=comment)
        if _step_complete(step):
            _step_close(step, "approve", actor=actor)
            next_step = request.steps.filter(status=StepStatus.WAITING).order_by("position").first()
            if next_step is not None:
                _step_activate(next_step, actor=actor)
            else:
                _request_finish(request=request, actor=actor)
                finished = True
    if finished and request.document_id:
        announce(Happened.DOCUMENT_READY, document=request.document)
    return request


def approval_reject(*, request: ApprovalRequest, actor, comment: str) -> ApprovalRequest:
    """`actor` rejects with a reason: the document goes back to review (a report is rejected)."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationFailed("Give a reason for the rejection.", {"field": "comment"})
    with transaction.atomic():
        request, step = _lock_for_decision(request=request, actor=actor)
        ApprovalDecision.objects.create(step=step, user=actor, decision=Decision.REJECTED, comment=comment)
        _audit_decision(request=request, step=step, actor=actor, verb="approval_rejected", comment=comment)
        _step_close(step, "reject", actor=actor)
        STEP_MACHINE.fire_many(
            request.steps.filter(status=StepStatus.WAITING),
            "cancel",
            actor=actor,
            message="An earlier step was rejected.",
            data={"request": request.pk},
        )
        REQUEST_MACHINE.fire(
            request,
            "reject",
            actor=actor,
            message=f"Rejected at step {step.position + 1}: {comment}",
            data={"step": step.position + 1},
            also={"finished_at": timezone.now()},
        )
        if request.document_id:
            transition(
                request.document,
                "reject",
                actor=actor,
                message=f"Rejected: {comment}",
                data={"request": request.pk, "step": step.position + 1, "reason": comment},
            )
        else:
            _report_set_status(
                request.expense_report,
                actor=actor,
                verb="reject",
                message=f"Rejected: {comment}",
            )
        _on_commit_notify("notify_rejected", request.pk)
    return request


def expense_report_withdraw(*, report: ExpenseReport, actor) -> ExpenseReport:
    """The employee takes a submitted report back before anyone has decided on it: back to draft,
    its pending approval cancelled."""
    with transaction.atomic():
        report = ExpenseReport.objects.select_for_update().get(pk=report.pk)
        if report.employee_id != actor.pk:
            raise NotPermitted("Only the employee whose report it is can withdraw it.")
        if report.status not in (ExpenseReportStatus.SUBMITTED, ExpenseReportStatus.IN_APPROVAL):
            raise InvalidTransition(f"A {report.get_status_display().lower()} report cannot be withdrawn.")
        if selectors.report_decided(report=report):
            raise InvalidTransition("An approver has already decided on this report; it cannot be withdrawn.")
        _cancel_pending(report=report, event="cancel", actor=actor)
        _report_set_status(
            report,
            actor=actor,
            verb="withdraw",
            message="Withdrawn before anyone decided: back to draft.",
        )
    return report


def approval_forward(*, request: ApprovalRequest, actor, to_user, comment: str = "") -> ApprovalRequest:
    """`actor` hands their part of the current step to `to_user`, a member of the same company."""
    with transaction.atomic():
        request, step = _lock_for_decision(request=request, actor=actor)
        if to_user is None or not selectors.is_member(user=to_user, company=request.company):
            raise ValidationFailed("Forward to a member of this company.", {"field": "to"})
        if to_user.pk == actor.pk:
            raise ValidationFailed("Forward to someone else.", {"field": "to"})
        if step.approvers.filter(pk=to_user.pk).exists():
            raise ValidationFailed(
                f"{selectors.display_name(to_user)} already approves this step.", {"field": "to"}
            )
        ApprovalDecision.objects.create(
            step=step, user=actor, decision=Decision.FORWARDED, comment=comment, forwarded_to=to_user
        )
        step.approvers.remove(actor)
        step.approvers.add(to_user)
        _audit_decision(
            request=request,
            step=step,
            actor=actor,
            verb="approval_forwarded",
            comment=comment,
            extra={"forwarded_to": to_user.pk, "forwarded_to_name": selectors.display_name(to_user)},
        )
        _on_commit_notify("notify_step", step.pk, [to_user.pk])
    return request


def approval_request_for_decision(*, document=None, report=None) -> ApprovalRequest:
    request = selectors.approval_request_pending(document=document, report=report)
    if request is None:
        what = "document" if document is not None else "expense report"
        raise InvalidTransition(f"This {what} is not waiting for approval.")
    return request


# ---------------------------------------------------------------------------
# Workflows (Settings and /api/v1/approval-workflows/)
# ---------------------------------------------------------------------------


def approval_workflow_save(
    *,
    company: Company,
    actor,
    name: str,
    steps: list[dict],
    document_types: list[str] | None = None,
    min_amount: Decimal | None = None,
    supplier=None,
    project=None,
    finance_account=None,
    is_active: bool = True,
    priority: int = 100,
    remind_after_hours: int = 24,
    workflow: ApprovalWorkflow | None = None,
) -> ApprovalWorkflow:
    """Create (workflow=None) or replace a workflow with its steps.

    `steps`: [{"users": [User], "roles": ["approver"], "project_manager": bool, "rule": "any"|"all"}].
    """
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("Name the workflow.", {"field": "name"})
    allowed_types = {*DocumentType.values, EXPENSE_REPORT}
    document_types = list(dict.fromkeys(document_types or []))
    unknown = [t for t in document_types if t not in allowed_types]
    if unknown:
        raise ValidationFailed(f"Unknown document type: {', '.join(unknown)}.", {"field": "document_types"})
    if min_amount is not None and min_amount < 0:
        raise ValidationFailed("The amount threshold cannot be negative.", {"field": "min_amount"})
    for obj, label in ((supplier, "supplier"), (project, "project"), (finance_account, "finance_account")):
        if obj is not None and obj.company_id != company.pk:
            raise ValidationFailed(f"Unknown {label.replace('_', ' ')}.", {"field": label})
    if not steps:
        raise ValidationFailed("Add at least one step.", {"field": "steps"})
    for number, step in enumerate(steps, start=1):
        if step.get("rule", StepRule.ANY) not in StepRule.values:
            raise ValidationFailed(f"Step {number}: rule must be 'any' or 'all'.", {"field": "steps"})
        if any(r not in Role.values for r in step.get("roles") or []):
            raise ValidationFailed(f"Step {number}: unknown role.", {"field": "steps"})
        if not (step.get("users") or step.get("roles") or step.get("project_manager")):
            raise ValidationFailed(f"Step {number}: name at least one approver.", {"field": "steps"})
        for user in step.get("users") or []:
            if not selectors.is_member(user=user, company=company):
                raise ValidationFailed(
                    f"Step {number}: {user} is not a member of this company.", {"field": "steps"}
                )

    with transaction.atomic():
        created = workflow is None
        workflow = workflow or ApprovalWorkflow(company=company)
        workflow.name = name
        workflow.document_types = document_types
        workflow.min_amount = min_amount if min_amount is not None else Decimal("0.00")
        workflow.supplier, workflow.project, workflow.finance_account = supplier, project, finance_account
        workflow.is_active = is_active
        workflow.priority = priority
        workflow.remind_after_hours = remind_after_hours
        workflow.save()
        workflow.steps.all().delete()
        for position, spec in enumerate(steps):
            step = ApprovalStep.objects.create(
                workflow=workflow,
                position=position,
                rule=spec.get("rule", StepRule.ANY),
                roles=list(spec.get("roles") or []),
                project_manager=bool(spec.get("project_manager")),
            )
            step.users.set(spec.get("users") or [])
        audit_record(
            target=workflow,
            verb="workflow_created" if created else "workflow_updated",
            actor=actor,
            message=f"Approval workflow “{workflow.name}” {'created' if created else 'updated'}.",
        )
    return workflow


def approval_workflow_delete(*, workflow: ApprovalWorkflow, actor) -> None:
    """Delete a workflow. Requests already running keep their steps (they were snapshotted)."""
    with transaction.atomic():
        audit_record(
            target=workflow,
            verb="workflow_deleted",
            actor=actor,
            message=f"Approval workflow “{workflow.name}” deleted.",
        )
        workflow.delete()


def approvals_set_enabled(*, company: Company, enabled: bool, actor) -> Company:
    company.approvals_enabled = enabled
    company.save(update_fields=["approvals_enabled"])
    log.info("approvals %s for company %s by %s", "on" if enabled else "off", company.pk, actor)
    return company


# ---------------------------------------------------------------------------
# Internals
# ---------------------------------------------------------------------------


def _plan_name(plan) -> str:
    return plan.workflow.name if plan.workflow else plan.steps[0].label


def _request_create(*, plan, actor, document=None, report=None) -> ApprovalRequest:
    subject = document if document is not None else report
    request = ApprovalRequest.objects.create(
        company_id=subject.company_id,
        document=document,
        expense_report=report,
        workflow=plan.workflow,
        workflow_name=_plan_name(plan),
        subject_version=subject.version,
        remind_after_hours=plan.remind_after_hours,
        started_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    for position, spec in enumerate(plan.steps):
        step = ApprovalRequestStep.objects.create(
            request=request, position=position, label=spec.label, rule=spec.rule
        )
        step.approvers.set(spec.approvers)
    _step_activate(request.steps.order_by("position").first(), actor=actor)
    return request


CANCEL_MESSAGES = {
    "cancel": "Cancelled: withdrawn, or sent to approval again.",
    "restart": "Restarted: amounts or coding changed during approval.",
}


def _cancel_pending(*, event: str, actor, document=None, report=None) -> bool:
    """End the subject's pending request by `event` ("cancel" or "restart"), its open steps cancelled."""
    request = (
        ApprovalRequest.objects.select_for_update()
        .filter(status=RequestStatus.PENDING)
        .filter(**({"document": document} if document is not None else {"expense_report": report}))
        .first()
    )
    if request is None:
        return False
    REQUEST_MACHINE.fire(
        request, event, actor=actor, message=CANCEL_MESSAGES[event], also={"finished_at": timezone.now()}
    )
    STEP_MACHINE.fire_many(
        request.steps.all(),
        "cancel",
        actor=actor,
        message=CANCEL_MESSAGES[event],
        data={"request": request.pk},
    )
    return True


def _lock_for_decision(*, request: ApprovalRequest, actor) -> tuple[ApprovalRequest, ApprovalRequestStep]:
    request = (
        ApprovalRequest.objects.select_for_update(of=("self",))
        .select_related("company", "document", "expense_report")
        .get(pk=request.pk)
    )
    if not request.is_pending:
        raise InvalidTransition("This approval is already finished.")
    if not selectors.subject_in_approval(request=request):
        # Reopened for review meanwhile: this run is over (cancelled when it enters approval again).
        raise InvalidTransition("This is no longer in approval.")
    step = selectors.current_step(request=request)
    if step is None:  # pragma: no cover - a pending request always has a current step
        raise InvalidTransition("This approval has no open step.")
    if (
        not selectors.is_member(user=actor, company=request.company)
        or not step.approvers.filter(pk=actor.pk).exists()
    ):
        raise NotPermitted("You are not an approver of the current step.")
    if step.decisions.filter(user=actor, decision=Decision.APPROVED).exists():
        raise InvalidTransition("You have already approved this step.")
    return request, step


def _step_complete(step: ApprovalRequestStep) -> bool:
    approved = set(step.decisions.filter(decision=Decision.APPROVED).values_list("user_id", flat=True))
    if step.rule == StepRule.ANY:
        return bool(approved)
    return set(step.approvers.values_list("pk", flat=True)) <= approved


def _step_close(step: ApprovalRequestStep, event: str, *, actor) -> None:
    STEP_MACHINE.fire(
        step, event, actor=actor, data={"request": step.request_id}, also={"completed_at": timezone.now()}
    )


def _step_activate(step: ApprovalRequestStep, *, actor) -> None:
    STEP_MACHINE.fire(
        step,
        "activate",
        actor=actor,
        data={"request": step.request_id},
        also={"activated_at": timezone.now()},
    )
    _on_commit_notify("notify_step", step.pk)


def _request_finish(*, request: ApprovalRequest, actor) -> None:
    REQUEST_MACHINE.fire(
        request, "approve", actor=actor, message="Approval complete.", also={"finished_at": timezone.now()}
    )
    if request.document_id:
        transition(
            request.document,
            "approve",
            actor=actor,
            message="Approval complete.",
            data={"request": request.pk, "workflow": request.workflow_name},
        )
    else:
        report = ExpenseReport.objects.select_for_update().get(pk=request.expense_report_id)
        _report_set_status(
            report,
            actor=actor,
            verb="confirm",
            message="Approval complete: expense report confirmed.",
            also={"confirmed_at": timezone.now()},
        )
        report_id = report.pk
        transaction.on_commit(lambda: announce(Happened.REPORT_CONFIRMED, report_id=report_id))
    _on_commit_notify("notify_finished", request.pk)


def _report_set_status(
    report: ExpenseReport, *, actor, verb: str, message: str, also: dict | None = None
) -> None:
    report_transition(report, verb, actor=actor, message=message, also=also)


DECISION_WORDS = {
    "approval_approved": "Approved",
    "approval_rejected": "Rejected",
    "approval_forwarded": "Forwarded",
}


def _audit_decision(*, request, step, actor, verb: str, comment: str, extra: dict | None = None) -> None:
    what = f"{DECISION_WORDS[verb]} step {step.position + 1} of {request.steps.count()}"
    if extra and extra.get("forwarded_to_name"):
        what += f" to {extra['forwarded_to_name']}"
    audit_record(
        target=request.subject,
        verb=verb,
        actor=actor,
        message=f"{what}: {comment}" if comment else f"{what}.",
        data={
            "request": request.pk,
            "workflow": request.workflow_name,
            "step": step.position + 1,
            "comment": comment,
            **(extra or {}),
        },
    )


def _on_commit_notify(task_name: str, *args) -> None:
    """Queue an e-mail task after commit; with the broker down the reminder sweep sends it later."""

    def enqueue() -> None:
        try:
            getattr(tasks, task_name).delay(*args)
        except (KombuOperationalError, OSError):  # a broker outage must not fail the decision
            log.warning(
                "approvals: could not queue %s%s; the reminder sweep will send it",
                task_name,
                args,
                exc_info=True,
            )

    transaction.on_commit(enqueue)
