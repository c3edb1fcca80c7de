"""The worker's run of one attempt: under a lease, build the payload, send it, record the outcome."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import audit_record
from core import metrics
from core.errors import ApplicationError
from documents.choices import DocumentStatus as S
from documents.choices import ExpenseReportStatus
from documents.models import Document, ExpenseReport
from documents.state import report_transition, transition
from publishing import mapping
from publishing.models import PublishAttempt
from publishing.services.attachments import upload_files
from publishing.services.base import (
    IN_FLIGHT,
    WORKER,
    A,
    LeaseLost,
    Outcome,
    connection_for,
    enqueue,
    lease_seconds,
    resume_delay,
    retry_countdown,
)
from publishing.services.payload import build_payload
from publishing.services.sending import create_or_update
from publishing.state import ATTEMPT_MACHINE
from scoro_sync.errors import (
    ScoroBudgetExceeded,
    ScoroError,
    ScoroRateLimited,
    ScoroUnavailable,
)
from scoro_sync.services import scoro_client_for


# --------------------------------------------------------------------------------------------- the lease
def _claim(attempt_id: int, token: str) -> bool:
    now = timezone.now()
    return bool(
        PublishAttempt.objects.filter(pk=attempt_id)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now) | Q(lease_owner=token))
        .update(lease_owner=token, lease_until=now + timedelta(seconds=lease_seconds()))
    )


def _renew(attempt_id: int, token: str) -> None:
    renewed = PublishAttempt.objects.filter(pk=attempt_id, lease_owner=token).update(
        lease_until=timezone.now() + timedelta(seconds=lease_seconds())
    )
    if not renewed:
        raise LeaseLost(f"Publishing attempt {attempt_id} was taken over by another run")


def _release(attempt_id: int, token: str) -> None:
    PublishAttempt.objects.filter(pk=attempt_id, lease_owner=token).update(lease_owner="", lease_until=None)


def lease_remaining(attempt_id: int) -> float:
    until = PublishAttempt.objects.filter(pk=attempt_id).values_list("lease_until", flat=True).first()
    return max(0.0, (until - timezone.now()).total_seconds()) if until else 0.0


@contextmanager
def _leased(attempt_id: int) -> Iterator[str | None]:
    token = uuid.uuid4().hex
    if not _claim(attempt_id, token):
        yield None
        return
    try:
        yield token
    finally:
        _release(attempt_id, token)


# --------------------------------------------------------------------------------------------- the run
def attempt_run(*, attempt_id: int, retries: int = 0, final: bool = False) -> Outcome:
    """One worker run for an attempt (the task's body). Safe to call any number of times, concurrently."""
    with _leased(attempt_id) as token:
        if token is None:
            if not PublishAttempt.objects.filter(pk=attempt_id).exists():
                return Outcome("done")  # deleted with its document meanwhile
            return Outcome("retry", lease_remaining(attempt_id) + random.uniform(0.2, 1.0))
        attempt = PublishAttempt.objects.select_related("company", "document", "expense_report").get(
            pk=attempt_id
        )
        if attempt.status == A.RETRYING:
            if attempt.next_retry_at and attempt.next_retry_at > timezone.now() + timedelta(seconds=1):
                return Outcome("done")  # not due yet: its delayed task or the sweep comes back then
            if not _resume(attempt):
                return Outcome("done")
            attempt = PublishAttempt.objects.select_related("company", "document", "expense_report").get(
                pk=attempt_id
            )
            final = True  # one run per resume; still transient → wait longer (see _wait_to_retry)
        if attempt.status not in IN_FLIGHT:
            return Outcome("done")  # published, failed or waiting already: a late duplicate
        return _run(attempt, token=token, retries=retries, final=final)


def _resume(attempt: PublishAttempt) -> bool:
    """A due "retrying" attempt goes back to queued (with its document or report). Called under the lease.

    False when its target moved on meanwhile (reopened for an edit, deleted): then nothing is retried and
    the next Publish starts afresh.
    """
    message = "Retrying automatically after Scoro was unavailable"
    with transaction.atomic():
        attempt = PublishAttempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.status != A.RETRYING:
            return False
        if attempt.document_id:
            document = Document.objects.select_for_update().get(pk=attempt.document_id)
            resumable = document.status == S.PUBLISH_FAILED
            if resumable:
                transition(
                    document,
                    "queue_publish",
                    actor_label="automatic retry",
                    message=message,
                    data={"reference": attempt.reference, "resume": attempt.resumes},
                )
        else:
            report = ExpenseReport.objects.select_for_update().get(pk=attempt.expense_report_id)
            resumable = report.status == ExpenseReportStatus.PUBLISH_FAILED
            if resumable:
                report_transition(
                    report,
                    "queue_publish",
                    actor_label="automatic retry",
                    message=message,
                    data={"reference": attempt.reference, "resume": attempt.resumes},
                )
        if resumable:
            ATTEMPT_MACHINE.fire(
                attempt,
                "resume",
                actor_label="automatic retry",
                message=message,
                also={"next_retry_at": None, "queued_at": timezone.now()},
            )
        else:
            ATTEMPT_MACHINE.fire(
                attempt,
                "drop",
                actor_label="automatic retry",
                message="Not retried: the document or report changed since.",
                also={"next_retry_at": None},
            )
    return resumable


def _run(attempt: PublishAttempt, *, token: str, retries: int, final: bool) -> Outcome:
    calls: Counter[str] = Counter()

    def on_call(module: str, action: str) -> None:
        _renew(attempt.pk, token)  # raises LeaseLost before anything is sent
        calls[f"{module}/{action}"] += 1

    ATTEMPT_MACHINE.fire(
        attempt,
        "start",
        actor_label=WORKER,
        also={"attempts": attempt.attempts + 1, "started_at": timezone.now()},
    )
    if attempt.document_id and attempt.document.status == S.QUEUED:
        transition(
            attempt.document, "start_publish", actor_label=WORKER, data={"reference": attempt.reference}
        )
    try:
        client = scoro_client_for(
            company=attempt.company,
            observer=on_call,
            max_retries=int(settings.PUBLISHING_CLIENT_RETRIES),
        )
        connection = connection_for(attempt.company)
        payload, version, gross = build_payload(attempt, client=client, connection=connection)
        saved = create_or_update(attempt, client=client, payload=payload)
        upload_files(attempt, client=client, connection=connection)
        _finish(attempt, payload=payload, saved=saved, version=version, gross=gross, calls=calls)
        metrics.PUBLISH_OUTCOMES.inc(outcome="published")
        return Outcome("done")
    except LeaseLost:
        _count_calls(attempt, calls)
        return Outcome("done")  # the run that owns the lease finishes the job
    except ScoroError as exc:
        if not is_transient(exc):
            _fail(attempt, message=_scoro_message(exc), calls=calls)
            metrics.PUBLISH_OUTCOMES.inc(outcome="failed")
            return Outcome("done")
        until_reset = isinstance(exc, ScoroBudgetExceeded) or getattr(exc, "daily", False)
        if not final and not until_reset:
            _count_calls(attempt, calls, error=f"{_scoro_message(exc)} — retrying automatically.")
            return Outcome("retry", retry_countdown(retries))
        _wait_to_retry(attempt, exc=exc, calls=calls)
        metrics.PUBLISH_OUTCOMES.inc(outcome="retrying")
        return Outcome("done")
    except ApplicationError as exc:
        _fail(attempt, message=exc.message, calls=calls)
        metrics.PUBLISH_OUTCOMES.inc(outcome="failed")
        return Outcome("done")


def is_transient(exc: ScoroError) -> bool:
    """Failures that end on their own (Scoro down or throttling, a quota or budget that resets)."""
    return isinstance(exc, ScoroUnavailable | ScoroRateLimited | ScoroBudgetExceeded)


def _seconds_to_budget_reset() -> float:
    """Our own daily call budget is counted per day (scoro_sync ApiCallCount): it resets at local midnight."""
    now = timezone.localtime()
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=5, microsecond=0)
    return (midnight - now).total_seconds()


def _wait_to_retry(attempt: PublishAttempt, *, exc: ScoroError, calls: Counter) -> None:
    """The task's retries are spent but the cause is transient: wait, then retry without a person.

    The document/report shows "Publishing failed" meanwhile (the state machine has no waiting state) and
    the panel says when it is retried. `create_sent_at` is left as it is: if a create may have landed, the
    resumed run looks for it before creating anything.
    """
    delay = resume_delay(attempt.resumes)
    if isinstance(exc, ScoroBudgetExceeded):
        delay = max(delay, _seconds_to_budget_reset())
    elif getattr(exc, "daily", False) and getattr(exc, "retry_after", None):
        delay = max(delay, float(exc.retry_after))
    next_at = timezone.now() + timedelta(seconds=delay)
    reason = _scoro_message(exc)
    message = f"{reason} — retrying automatically at {timezone.localtime(next_at):%H:%M}."
    api_calls = sum(calls.values())
    with transaction.atomic():
        ATTEMPT_MACHINE.fire(
            attempt,
            "retry_later",
            actor_label=WORKER,
            message=message[:500],
            also={
                "next_retry_at": next_at,
                "resumes": attempt.resumes + 1,
                "error": reason[:2000],
                "api_calls": attempt.api_calls + api_calls,
            },
        )
        data = {
            "reference": attempt.reference,
            "error": reason,
            "next_retry_at": next_at.isoformat(),
            "resume": attempt.resumes,
            "api_calls": api_calls,
            "calls": dict(calls),
        }
        _show_failed(attempt, message=message, data=data)
        attempt_id = attempt.pk
        # Precise when the broker keeps the message; publish_sweep covers a lost one.
        transaction.on_commit(lambda: enqueue(attempt_id, countdown=delay))


def _scoro_message(exc: ScoroError) -> str:
    text = "; ".join(exc.messages) or exc.message
    return f"Scoro: {text}"


def _count_calls(attempt: PublishAttempt, calls: Counter, *, error: str | None = None) -> None:
    fields = {"api_calls": attempt.api_calls + sum(calls.values())}
    if error is not None:
        fields["error"] = error
    PublishAttempt.objects.filter(pk=attempt.pk).update(**fields, updated_at=timezone.now())
    for key, value in fields.items():
        setattr(attempt, key, value)
    calls.clear()


# --------------------------------------------------------------------------------------------- outcome
def _finish(
    attempt: PublishAttempt,
    *,
    payload: dict[str, Any],
    saved: dict[str, Any],
    version: int,
    gross,
    calls: Counter,
) -> None:
    kind = attempt.kind
    mismatches = mapping.compare_saved(payload, saved, kind=kind, gross_total=gross)
    summary = mapping.payload_summary(payload, kind)
    api_calls = sum(calls.values())
    with transaction.atomic():
        ATTEMPT_MACHINE.fire(
            attempt,
            "finish",
            actor_label=WORKER,
            data={"scoro_id": attempt.scoro_id, "version": version, "api_calls": api_calls},
            also={
                "next_retry_at": None,
                "resumes": 0,
                "published_version": version,
                "published_at": timezone.now(),
                "payload": payload,
                "request_summary": summary,
                "response": mapping.saved_summary(saved, kind),
                "scoro_line_ids": [ln.get("id") for ln in saved.get("lines") or []],
                "mismatches": mismatches,
                "drift": [],
                "error": "",
                "api_calls": attempt.api_calls + api_calls,
                "create_sent_at": None,
                # Set in memory during the run (payload.py, attachments.py, sending.py): saved with the outcome.
                "warnings": attempt.warnings,
                "files": attempt.files,
                "scoro_id": attempt.scoro_id,
            },
        )
        data = {
            "reference": attempt.reference,
            "scoro_id": attempt.scoro_id,
            "summary": summary,
            "api_calls": api_calls,
            "api_calls_total": attempt.api_calls,
            "calls": dict(calls),
            "files": len(attempt.files or {}),
            "mismatches": mismatches,
            "warnings": list(attempt.warnings or []),
        }
        message = f"Published to Scoro as {attempt.get_kind_display().lower()} {attempt.scoro_id} ({api_calls} API calls)."
        if attempt.document_id:
            transition(attempt.document, "finish_publish", actor_label=WORKER, message=message, data=data)
        else:
            _report_status(attempt.expense_report, ExpenseReportStatus.PUBLISHED, message=message, data=data)
        if attempt.warnings:
            audit_record(
                target=attempt.target,
                verb="publish.warning",
                actor_label=WORKER,
                message="Adjusted while mapping: " + "; ".join(attempt.warnings),
                data={"warnings": attempt.warnings},
            )
        if mismatches:
            audit_record(
                target=attempt.target,
                verb="publish.mismatch",
                actor_label=WORKER,
                message="Scoro saved something different from what was sent: " + "; ".join(mismatches),
                data={"mismatches": mismatches},
            )


def _fail(attempt: PublishAttempt, *, message: str, calls: Counter) -> None:
    api_calls = sum(calls.values())
    with transaction.atomic():
        ATTEMPT_MACHINE.fire(
            attempt,
            "fail",
            actor_label=WORKER,
            message=message[:500],
            also={"error": message[:2000], "next_retry_at": None, "api_calls": attempt.api_calls + api_calls},
        )
        data = {
            "reference": attempt.reference,
            "error": message,
            "api_calls": api_calls,
            "calls": dict(calls),
        }
        _show_failed(attempt, message=message, data=data)


def _show_failed(attempt: PublishAttempt, *, message: str, data: dict) -> None:
    """Move the attempt's document (still queued or publishing) or report to "publishing failed"."""
    if attempt.document_id:
        document = Document.objects.get(pk=attempt.document_id)
        if document.status in (S.QUEUED, S.PUBLISHING):
            transition(document, "fail_publish", actor_label=WORKER, message=message[:500], data=data)
    else:
        _report_status(attempt.expense_report, ExpenseReportStatus.PUBLISH_FAILED, message=message, data=data)


def _report_status(report: ExpenseReport, status: str, *, message: str, data: dict) -> None:
    event = "finish_publish" if status == ExpenseReportStatus.PUBLISHED else "fail_publish"
    report_transition(report, event, actor_label=WORKER, message=message[:500], data=data)
