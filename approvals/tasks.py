"""Approval e-mails and reminders. Tasks take ids, are idempotent and tolerate re-delivery."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from approvals import digest, notifications
from approvals.choices import RequestStatus, StepStatus
from approvals.models import ApprovalDecision, ApprovalRequest, ApprovalRequestStep

log = logging.getLogger(__name__)
RETRY = {"autoretry_for": (OSError,), "retry_backoff": True, "retry_backoff_max": 600, "max_retries": 5}


def _undecided(step: ApprovalRequestStep) -> list:
    decided = ApprovalDecision.objects.filter(step=step).values("user_id")
    return list(step.approvers.exclude(pk__in=decided))


@shared_task(**RETRY)
def notify_step(step_id: int, user_ids: list[int] | None = None) -> int:
    """Tell the approvers of a newly active step (or `user_ids`, e.g. a forward's target)."""
    with transaction.atomic():
        step = (
            ApprovalRequestStep.objects.select_for_update(of=("self",))
            .select_related("request__company", "request__document", "request__expense_report")
            .filter(pk=step_id, status=StepStatus.PENDING, request__status=RequestStatus.PENDING)
            .first()
        )
        if step is None:
            return 0
        if user_ids is None and step.notified_at is not None:
            return 0  # already sent (re-delivered message)
        users = [u for u in _undecided(step) if user_ids is None or u.pk in user_ids]
        sent = notifications.send_step_request(step=step, users=users)
        if user_ids is None:
            step.notified_at = timezone.now()
            step.save(update_fields=["notified_at"])
    return sent


@shared_task(**RETRY)
def notify_finished(request_id: int) -> int:
    """Tell whoever sent it to approval that it was approved."""
    return _notify_outcome(request_id, RequestStatus.APPROVED)


@shared_task(**RETRY)
def notify_rejected(request_id: int) -> int:
    """Tell whoever sent it to approval (and the uploader / employee) why it was rejected."""
    return _notify_outcome(request_id, RequestStatus.REJECTED)


def _notify_outcome(request_id: int, status: str) -> int:
    request = (
        ApprovalRequest.objects.select_related(
            "company", "document", "expense_report__employee", "started_by"
        )
        .filter(pk=request_id, status=status)
        .first()
    )
    if request is None:
        return 0
    people = {}
    for user in (
        request.started_by,
        getattr(request.document, "recorded_by", None),
        getattr(request.document, "uploaded_by", None),
        getattr(request.expense_report, "employee", None),
    ):
        if user is not None:
            people.setdefault(user.pk, user)
    return notifications.send_outcome(request=request, users=list(people.values()))


@shared_task
def send_reminders() -> int:
    """Hourly (beat "approval-reminders"): remind approvers who have not decided in time.

    Also sends first notifications that never went out (broker down when the step started).
    """
    now = timezone.now()
    sent = 0
    unsent = ApprovalRequestStep.objects.filter(
        status=StepStatus.PENDING,
        request__status=RequestStatus.PENDING,
        notified_at__isnull=True,
        activated_at__lt=now - timedelta(minutes=5),
    ).values_list("pk", flat=True)
    for step_id in unsent:
        sent += notify_step(step_id)
    candidates = ApprovalRequestStep.objects.filter(
        status=StepStatus.PENDING, request__status=RequestStatus.PENDING, activated_at__isnull=False
    ).select_related("request")
    for step in candidates:
        delay = timedelta(
            hours=step.request.remind_after_hours or settings.ENVOICE_APPROVAL_REMIND_AFTER_HOURS
        )
        last = step.reminded_at or step.activated_at
        if last > now - delay:
            continue
        sent += _remind(step.pk, delay)
    return sent


def _remind(step_id: int, delay: timedelta) -> int:
    with transaction.atomic():
        now = timezone.now()
        step = (
            ApprovalRequestStep.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("request__company", "request__document", "request__expense_report")
            .filter(pk=step_id, status=StepStatus.PENDING)
            .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - delay))
            .first()
        )
        if step is None:
            return 0
        sent = notifications.send_step_request(step=step, users=_undecided(step), reminder=True)
        step.reminded_at = now
        step.save(update_fields=["reminded_at"])
    log.info("approvals: reminded %s approver(s) of step %s", sent, step_id)
    return sent


@shared_task(**RETRY)
def send_daily_digests() -> int:
    """Daily (beat "approval-daily-digest"): each approver's list of what waits, once per day."""
    return digest.approval_digests_send()
