"""Publishing documents and expense reports to Scoro: queueing, the worker's run, reconciliation.

Exactly once, and how:
- One PublishAttempt per document/report with a unique `reference` that is also written into the Scoro
  document's comment. Queueing twice (double click, automatic + manual) finds the document already
  queued and returns the same attempt.
- A worker run first takes the attempt's lease (a conditional UPDATE; two workers cannot both win) and
  renews it before every Scoro call; a run that lost its lease stops before sending anything.
- `create_sent_at` is committed *before* a create is sent and cleared when Scoro's answer is stored.
  A run that finds it set (the previous one died or lost the answer) searches Scoro for the reference
  first and adopts what it finds; it creates only when Scoro provably has nothing.
- Once `scoro_id` is known, publishing again (after an edit) updates that Scoro document. Nothing here
  ever deletes in Scoro; a document deleted there fails with a message instead of being re-created.

Retries: the client retries 429 (after the window resets) and 5xx/timeouts (backoff with jitter); when
those are exhausted the task retries with its own backoff + jitter. When the task's retries are exhausted
too and the cause is still transient (Scoro unavailable, rate limited, daily quota or our call budget used
up), the attempt waits as "retrying" with `next_retry_at` (5 min doubling to 1 h; the quota's reset when
later) and is resumed then by a delayed task and, should that message be lost, by `publish_sweep`: one
run per resume, under the same lease and reconcile-before-create rules, so an outage of any length ends
in exactly one Scoro document without anybody pressing Retry. Validation errors fail at once with Scoro's
message and wait for a person.
"""

from __future__ import annotations

import logging
import random
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import audit_record
from bookkeeping.models import Contact, ScoroUser
from documents.choices import DocumentStatus as S
from documents.choices import DocumentType, ExpenseReportStatus
from documents.einvoice_view import embedded_files_for
from documents.models import Document, ExpenseReport
from documents.state import transition
from envoice.exceptions import ApplicationError, InvalidTransition, ValidationFailed
from publishing import mapping
from publishing.models import Attachment, PublishAttempt
from scoro_sync.client import ScoroClient
from scoro_sync.errors import (
    ScoroBudgetExceeded,
    ScoroError,
    ScoroNotFound,
    ScoroRateLimited,
    ScoroUnavailable,
)
from scoro_sync.models import ScoroConnection

logger = logging.getLogger(__name__)

A = PublishAttempt.Status
IN_FLIGHT = (A.QUEUED, A.PUBLISHING)
PUBLISHABLE_DOCUMENT_STATES = (S.READY, S.PUBLISH_FAILED, S.PUBLISHED)
PUBLISHABLE_REPORT_STATES = (
    ExpenseReportStatus.CONFIRMED,
    ExpenseReportStatus.PUBLISH_FAILED,
    ExpenseReportStatus.PUBLISHED,
)
WORKER = "publishing worker"


class PublishBlocked(ApplicationError):
    """Publishing cannot go on until a person changes something (coding, connection, Scoro data)."""


class LeaseLost(Exception):
    """Another run took over this attempt (ours expired): stop before sending anything more."""


@dataclass(frozen=True)
class Outcome:
    """What the task should do next: "done", or "retry" after `countdown` seconds."""

    status: str
    countdown: float = 0.0


# --------------------------------------------------------------------------------------------- settings
def lease_seconds() -> float:
    return float(settings.PUBLISHING_LEASE_SECONDS)


def retry_countdown(retries: int) -> float:
    """Exponential backoff with full jitter, capped."""
    base = float(settings.PUBLISHING_RETRY_BASE_SECONDS)
    cap = float(settings.PUBLISHING_RETRY_MAX_SECONDS)
    return random.uniform(0.5, 1.0) * min(cap, base * (2**retries))


def resume_delay(resumes: int) -> float:
    """How long a transient failure waits before its `resumes`-th automatic retry: doubling, capped, jittered."""
    base = float(settings.PUBLISHING_RESUME_BASE_SECONDS)
    cap = float(settings.PUBLISHING_RESUME_MAX_SECONDS)
    return random.uniform(0.8, 1.0) * min(cap, base * (2 ** min(resumes, 20)))


def connection_for(company) -> ScoroConnection | None:
    return ScoroConnection.objects.for_company(company).first()


# --------------------------------------------------------------------------------------------- eligibility
def automatic_blocker(*, document: Document, connection: ScoroConnection | None) -> str | None:
    """Why `document` is not published automatically right now (None: it is).

    The toggles: "Enable automatic publishing", "Recording required" (then only recorded documents go),
    and the two exclusions. Sales invoices are never published, whatever the settings.
    """
    if connection is None or not connection.is_connected:
        return "The company is not connected to Scoro."
    if not connection.auto_publish:
        return "Automatic publishing is off."
    if document.type == DocumentType.SALES_INVOICE:
        return (
            "Sales invoices are excluded from automatic publishing."
            if connection.auto_publish_exclude_sales
            else "Sales invoices are not published to Scoro."
        )
    if connection.auto_publish_exclude_purchases_expenses:
        return "Purchases and expenses are excluded from automatic publishing."
    if document.type == DocumentType.RECEIPT and document.expense_report_id:
        return "Published with its expense report."
    if connection.recording_required and document.recorded_at is None:
        return "Recording is required before publishing."
    if document.status != S.READY:
        return f"The document is {document.get_status_display().lower()}."
    return None


def manual_blocker(*, document: Document, connection: ScoroConnection | None) -> str | None:
    """Why the Publish button cannot queue `document` (None: it can)."""
    if connection is None or not connection.is_connected:
        return "Connect the company to Scoro first (Settings › Integrations › Scoro)."
    if document.type == DocumentType.SALES_INVOICE:
        return "Sales invoices are not published to Scoro."
    if document.type == DocumentType.RECEIPT and document.expense_report_id:
        return "This receipt is published with its expense report."
    if document.status in (S.QUEUED, S.PUBLISHING):
        return None  # already on its way: queueing again is a no-op
    if document.status not in PUBLISHABLE_DOCUMENT_STATES:
        return f"Only ready documents can be published; this one is {document.get_status_display().lower()}."
    if connection.recording_required and document.recorded_at is None:
        return "Record the document before publishing (recording is required in the Scoro settings)."
    return None


# --------------------------------------------------------------------------------------------- queueing
def publish_if_automatic(*, document: Document) -> bool:
    """Queue `document` when automatic publishing applies to it. Called whenever a document becomes ready.

    Returns True when it was queued. A document that lacks a finance account or project is not queued:
    its attempt waits with the reason shown.
    """
    document = Document.objects.select_related("company").get(pk=document.pk)
    if automatic_blocker(document=document, connection=connection_for(document.company)) is not None:
        return False
    attempt = _queue_document(document=document, actor=None, automatic=True)
    return attempt.status == A.QUEUED


def publish_document(*, document: Document, actor) -> PublishAttempt:
    """The Publish button, the bulk action and POST /documents/{id}/publish/. Idempotent while in flight."""
    document = Document.objects.select_related("company").get(pk=document.pk)
    reason = manual_blocker(document=document, connection=connection_for(document.company))
    if reason:
        raise ValidationFailed(reason)
    return _queue_document(document=document, actor=actor, automatic=False)


def publish_retry(*, document: Document, actor) -> PublishAttempt:
    """The Retry button of a failed publish."""
    if document.status != S.PUBLISH_FAILED:
        raise InvalidTransition("Only a document whose publishing failed can be retried.")
    return publish_document(document=document, actor=actor)


def publish_documents(*, documents, actor) -> dict[str, list]:
    """Bulk Publish: queue what can be queued; report the rest with their reasons."""
    queued, skipped = [], []
    for document in documents:
        try:
            queued.append(publish_document(document=document, actor=actor).pk)
        except ApplicationError as exc:
            skipped.append({"document": document.pk, "reason": exc.message})
    return {"queued": queued, "skipped": skipped}


def _attempt_for_document(document: Document) -> PublishAttempt:
    attempt, _ = PublishAttempt.objects.get_or_create(
        document=document,
        defaults={
            "company_id": document.company_id,
            "kind": PublishAttempt.Kind.BILL
            if document.type == DocumentType.PURCHASE_INVOICE
            else PublishAttempt.Kind.EXPENSE,
            "reference": PublishAttempt.reference_for(
                company_id=document.company_id, document_id=document.pk
            ),
            "status": A.WAITING,
        },
    )
    return attempt


def _queue_document(*, document: Document, actor, automatic: bool) -> PublishAttempt:
    missing = mapping.missing_for_publishing(document)
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        attempt = _attempt_for_document(document)
        attempt = PublishAttempt.objects.select_for_update().get(pk=attempt.pk)
        if document.status in (S.QUEUED, S.PUBLISHING) or attempt.status in IN_FLIGHT:
            return attempt  # double click / automatic + manual: already on its way
        if (
            document.status == S.PUBLISHED
            and attempt.status == A.PUBLISHED
            and attempt.published_version == document.version
        ):
            return attempt  # Scoro already has this version: nothing to send
        if missing:
            reason = f"Waiting for {', '.join(missing)}: a document is never published without them."
            if attempt.waiting_reason != reason or attempt.status != A.WAITING:
                attempt.status, attempt.waiting_reason = A.WAITING, reason
                attempt.save(update_fields=["status", "waiting_reason", "updated_at"])
                audit_record(target=document, verb="publish.waiting", actor=actor, message=reason)
            if automatic:
                return attempt
            raise_later = ValidationFailed(reason, {"missing": missing})
        else:
            raise_later = None
            transition(
                document,
                "queue_publish",
                actor=actor,
                actor_label="" if actor else "automatic publishing",
                message="Queued for Scoro" + (" (automatic)" if automatic else ""),
                data={"reference": attempt.reference, "version": document.version},
            )
            _mark_queued(attempt, version=document.version, actor=actor)
    if raise_later is not None:
        raise raise_later  # after the commit: the waiting reason stays visible
    return attempt


def _mark_queued(attempt: PublishAttempt, *, version: int, actor) -> None:
    attempt.status = A.QUEUED
    attempt.next_retry_at = None
    attempt.resumes = 0  # a person (or a new version) asked: a fresh retry budget
    attempt.queued_version = version
    attempt.waiting_reason = ""
    attempt.error = ""
    attempt.queued_at = timezone.now()
    attempt.requested_by = actor if getattr(actor, "is_authenticated", False) else None
    attempt.save()
    attempt_id = attempt.pk
    transaction.on_commit(lambda: enqueue(attempt_id))


def enqueue(attempt_id: int, *, countdown: float | None = None) -> None:
    """Hand the attempt to the publishing queue. A broker that is down is logged; the sweep retries it."""
    from publishing.tasks import publish_attempt

    try:
        publish_attempt.apply_async((attempt_id,), countdown=countdown)
    except Exception:  # any broker failure: the periodic sweep picks the attempt up
        logger.exception("Could not enqueue publishing attempt %s; the sweep will retry it", attempt_id)


# --------------------------------------------------------------------------------------------- expense reports
def _report_receipts(report: ExpenseReport) -> list[Document]:
    return list(
        report.documents.filter(type=DocumentType.RECEIPT)
        .select_related("supplier", "project", "finance_account", "tax_rate")
        .prefetch_related("dimensions__group")
        .order_by("issue_date", "id")
    )


def publish_expense_report(*, report: ExpenseReport, actor, automatic: bool = False) -> PublishAttempt:
    """Queue a confirmed expense report as one Scoro expense (one line per receipt)."""
    connection = connection_for(report.company)
    if connection is None or not connection.is_connected:
        raise ValidationFailed("Connect the company to Scoro first (Settings › Integrations › Scoro).")
    receipts = _report_receipts(report)
    missing = mapping.missing_for_report(report, receipts)
    with transaction.atomic():
        report = ExpenseReport.objects.select_for_update().get(pk=report.pk)
        attempt, _ = PublishAttempt.objects.get_or_create(
            expense_report=report,
            defaults={
                "company_id": report.company_id,
                "kind": PublishAttempt.Kind.EXPENSE,
                "reference": PublishAttempt.reference_for(company_id=report.company_id, report_id=report.pk),
                "status": A.WAITING,
            },
        )
        attempt = PublishAttempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.status in IN_FLIGHT:
            return attempt
        if report.status not in PUBLISHABLE_REPORT_STATES:
            raise ValidationFailed(
                f"Only confirmed expense reports are published; this one is {report.get_status_display().lower()}."
            )
        if attempt.status == A.PUBLISHED and attempt.published_version == report.version:
            return attempt
        if missing:
            reason = f"Waiting for {', '.join(missing)}: a report is never published without them."
            attempt.status, attempt.waiting_reason = A.WAITING, reason
            attempt.save(update_fields=["status", "waiting_reason", "updated_at"])
            if automatic:
                return attempt
            raise ValidationFailed(reason, {"missing": missing})
        from_state = report.status
        report.status = ExpenseReportStatus.QUEUED
        report.save(update_fields=["status"])
        audit_record(
            target=report,
            verb="queue_publish",
            actor=actor,
            actor_label="" if actor else "automatic publishing",
            from_state=from_state,
            to_state=report.status,
            message="Queued for Scoro",
            data={"reference": attempt.reference, "version": report.version},
        )
        _mark_queued(attempt, version=report.version, actor=actor)
    return attempt


def report_manual_blocker(*, report: ExpenseReport, connection: ScoroConnection | None) -> str | None:
    """Why the report page's Publish button cannot queue `report` (None: it can)."""
    if connection is None or not connection.is_connected:
        return "Connect the company to Scoro first (Settings › Integrations › Scoro)."
    if report.status == ExpenseReportStatus.QUEUED:
        return None  # already on its way: queueing again is a no-op
    if report.status not in PUBLISHABLE_REPORT_STATES:
        return f"Only confirmed expense reports are published; this one is {report.get_status_display().lower()}."
    return None


def publish_expense_report_if_automatic(*, report: ExpenseReport) -> bool:
    """Called when a report is confirmed; same toggles as documents (it is an expense)."""
    connection = connection_for(report.company)
    if (
        connection is None
        or not connection.is_connected
        or not connection.auto_publish
        or connection.auto_publish_exclude_purchases_expenses
        or report.status != ExpenseReportStatus.CONFIRMED
    ):
        return False
    return publish_expense_report(report=report, actor=None, automatic=True).status == A.QUEUED


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
                report.status = ExpenseReportStatus.QUEUED
                report.save(update_fields=["status"])
                audit_record(
                    target=report,
                    verb="queue_publish",
                    actor_label="automatic retry",
                    from_state=ExpenseReportStatus.PUBLISH_FAILED,
                    to_state=report.status,
                    message=message,
                    data={"reference": attempt.reference, "resume": attempt.resumes},
                )
        attempt.status = A.QUEUED if resumable else A.FAILED
        attempt.next_retry_at = None
        attempt.queued_at = timezone.now() if resumable else attempt.queued_at
        attempt.save(update_fields=["status", "next_retry_at", "queued_at", "updated_at"])
    return resumable


def _run(attempt: PublishAttempt, *, token: str, retries: int, final: bool) -> Outcome:
    calls: Counter[str] = Counter()

    def on_call(module: str, action: str) -> None:
        _renew(attempt.pk, token)  # raises LeaseLost before anything is sent
        calls[f"{module}/{action}"] += 1

    attempt.status = A.PUBLISHING
    attempt.attempts += 1
    attempt.started_at = timezone.now()
    attempt.save(update_fields=["status", "attempts", "started_at", "updated_at"])
    if attempt.document_id and attempt.document.status == S.QUEUED:
        transition(
            attempt.document, "start_publish", actor_label=WORKER, data={"reference": attempt.reference}
        )
    try:
        from scoro_sync.services import scoro_client_for

        client = scoro_client_for(
            company=attempt.company,
            observer=on_call,
            max_retries=int(settings.PUBLISHING_CLIENT_RETRIES),
        )
        connection = connection_for(attempt.company)
        payload, version, gross = _build_payload(attempt, client=client, connection=connection)
        saved = _send(attempt, client=client, payload=payload)
        _upload_files(attempt, client=client, connection=connection)
        _finish(attempt, payload=payload, saved=saved, version=version, gross=gross, calls=calls)
        return Outcome("done")
    except LeaseLost:
        _count_calls(attempt, calls)
        return Outcome("done")  # the run that owns the lease finishes the job
    except ScoroError as exc:
        if not is_transient(exc):
            _fail(attempt, message=_scoro_message(exc), calls=calls)
            return Outcome("done")
        until_reset = isinstance(exc, ScoroBudgetExceeded) or getattr(exc, "daily", False)
        if not final and not until_reset:
            _count_calls(attempt, calls, error=f"{_scoro_message(exc)} — retrying automatically.")
            return Outcome("retry", retry_countdown(retries))
        _wait_to_retry(attempt, exc=exc, calls=calls)
        return Outcome("done")
    except ApplicationError as exc:
        _fail(attempt, message=exc.message, calls=calls)
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
        attempt.status = A.RETRYING
        attempt.next_retry_at = next_at
        attempt.resumes += 1
        attempt.error = reason[:2000]
        attempt.api_calls += api_calls
        attempt.save(update_fields=["status", "next_retry_at", "resumes", "error", "api_calls", "updated_at"])
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


# --------------------------------------------------------------------------------------------- payload
def _approval_comment(document: Document) -> str:
    from approvals.selectors import approval_comment_for

    return approval_comment_for(document=document)


def _scoro_user_for(*, user, connection: ScoroConnection) -> int | None:
    """The Scoro user behind an Envoice user (same e-mail), else the integration's owner."""
    if user is not None and user.email:
        found = (
            ScoroUser.objects.for_company(connection.company)
            .filter(email__iexact=user.email, scoro_id__isnull=False, is_active=True)
            .values_list("scoro_id", flat=True)
            .first()
        )
        if found:
            return int(found)
    return connection.owner_scoro_user_id


def _load_document(attempt: PublishAttempt) -> tuple[Document, list]:
    document = (
        Document.objects.select_related(
            "company", "supplier", "project", "finance_account", "tax_rate", "uploaded_by"
        )
        .prefetch_related("dimensions__group")
        .get(pk=attempt.document_id)
    )
    lines = list(
        document.lines.select_related("product", "project", "finance_account", "tax_rate", "dimension__group")
    )
    return document, lines


def build_payload_preview(*, attempt: PublishAttempt, connection: ScoroConnection | None) -> dict[str, Any]:
    """The request body that would be sent, without calling Scoro (admin "Preview payload")."""
    return _build_payload(attempt, client=None, connection=connection)[0]


def _build_payload(
    attempt: PublishAttempt, *, client: ScoroClient | None, connection: ScoroConnection | None
) -> tuple[dict[str, Any], int, Any]:
    """(request body, version it describes, gross total to compare with). With client=None nothing is
    created in Scoro: a new supplier appears as company_id None (preview)."""
    if attempt.document_id:
        document, lines = _load_document(attempt)
        missing = mapping.missing_for_publishing(document, lines)
        if missing:
            raise PublishBlocked(
                f"Waiting for {', '.join(missing)}: a document is never published without them."
            )
        if document.type == DocumentType.PURCHASE_INVOICE:
            supplier_id = _supplier_scoro_id(document.supplier, client=client)
            comment = mapping.comment_text(
                approval_comment=_approval_comment(document),
                po_number=(document.fields or {}).get("po_number"),
                reference=attempt.reference,
            )
            payload = mapping.bill_payload(document, supplier_id=supplier_id, comment=comment, lines=lines)
        else:
            comment = mapping.comment_text(
                approval_comment="Imported from Envoice.",
                po_number=None,
                reference=attempt.reference,
            )
            merchant = document.supplier
            payload = mapping.receipt_expense_payload(
                document,
                owner_id=_scoro_user_for(user=document.uploaded_by, connection=connection)
                if connection
                else None,
                merchant_id=int(merchant.scoro_id) if merchant and merchant.scoro_id else None,
                comment=comment,
                reimbursable=False,
                lines=lines,
            )
        attempt.warnings = mapping.line_warnings(document, lines)  # saved with the outcome (_finish)
        version, gross = document.version, document.total
    else:
        report = ExpenseReport.objects.select_related("company", "project", "employee").get(
            pk=attempt.expense_report_id
        )
        receipts = _report_receipts(report)
        missing = mapping.missing_for_report(report, receipts)
        if missing:
            raise PublishBlocked(
                f"Waiting for {', '.join(missing)}: a report is never published without them."
            )
        comment = mapping.comment_text(
            approval_comment=f"Imported from Envoice. Expense report “{report.title}”.",
            po_number=None,
            reference=attempt.reference,
        )
        payload = mapping.report_expense_payload(
            report,
            receipts,
            owner_id=_scoro_user_for(user=report.employee, connection=connection) if connection else None,
            comment=comment,
        )
        totals = [r.total for r in receipts]
        version, gross = report.version, (sum(totals) if None not in totals else None)
    if attempt.scoro_id:
        mapping.with_line_ids(payload, attempt.scoro_line_ids)
    return payload, version, gross


# --------------------------------------------------------------------------------------------- supplier
CONTACT_LOOKUP_FIELDS = (("vat_no", "vatno"), ("reg_no", "id_code"))


def _supplier_scoro_id(contact: Contact | None, *, client: ScoroClient | None) -> int | None:
    """The supplier's Scoro contact id; a supplier Scoro does not know yet is created there first."""
    if contact is None:
        raise PublishBlocked("Choose the supplier before publishing.")
    if contact.scoro_id is not None or client is None:
        return int(contact.scoro_id) if contact.scoro_id is not None else None
    with transaction.atomic():
        # One run at a time per contact (two documents of the same new supplier must not create it twice).
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        if contact.scoro_id is None:
            contact = _push_contact(contact, client=client)
    if contact.scoro_id is None:
        raise PublishBlocked(
            f"The supplier {contact} could not be created in Scoro"
            + (f": {contact.push_error}" if contact.push_error else ".")
        )
    return int(contact.scoro_id)


def _push_contact(contact: Contact, *, client: ScoroClient) -> Contact:
    try:
        from scoro_sync.contacts import contact_push
    except ImportError:  # the two-way contact sync is not installed: a minimal create-with-lookup
        return _create_contact_minimal(contact, client=client)
    if contact.push_state not in (Contact.PushState.PENDING, Contact.PushState.FAILED):
        contact.push_state = Contact.PushState.PENDING
        contact.save(update_fields=["push_state", "updated_at"])
    return contact_push(contact=contact, client=client)


def _create_contact_minimal(contact: Contact, *, client: ScoroClient) -> Contact:
    def lookup() -> dict[str, Any] | None:
        for ours, theirs in CONTACT_LOOKUP_FIELDS:
            value = getattr(contact, ours)
            if value:
                for row in client.list("contacts", filter={theirs: value}, per_page=25):
                    if (row.get(theirs) or "").upper() == value.upper() and not row.get("is_deleted"):
                        return row
        return None

    found = lookup()
    data = {"contact_type": contact.contact_type or "company", "name": contact.name, "is_supplier": 1}
    for ours, theirs in (*CONTACT_LOOKUP_FIELDS, ("lastname", "lastname"), ("iban", "bankaccount")):
        if getattr(contact, ours):
            data[theirs] = getattr(contact, ours)
    saved = found or client.create("contacts", data, lookup=lookup)
    contact.scoro_id = int(saved["contact_id"])
    contact.save(update_fields=["scoro_id", "updated_at"])
    audit_record(
        target=contact,
        verb="contact.created_in_scoro",
        actor_label=WORKER,
        message=f"Scoro contact {contact.scoro_id}",
    )
    return contact


# --------------------------------------------------------------------------------------------- create / update
def _find_published(
    client: ScoroClient, attempt: PublishAttempt, sent: dict[str, Any]
) -> dict[str, Any] | None:
    """The Scoro document carrying our reference, or None. Narrowed by documented filters (date, and the
    supplier for bills), then matched on the reference marker in the comment."""
    day = sent.get("date")
    flt: dict[str, Any] = {"date": {"from_date": day, "to_date": day}} if day else {}
    text_key = "description"
    if attempt.kind == PublishAttempt.Kind.BILL:
        if sent.get("company_id"):
            flt["company_id"] = sent["company_id"]
    else:
        text_key = "comment"
    for row in client.list(attempt.scoro_module, filter=flt):
        if not row.get("is_deleted") and mapping.has_marker(row.get(text_key), attempt.reference):
            return row
    return None


def _send(attempt: PublishAttempt, *, client: ScoroClient, payload: dict[str, Any]) -> dict[str, Any]:
    module = attempt.scoro_module
    if attempt.scoro_id:
        try:
            return client.update(module, int(attempt.scoro_id), payload)
        except ScoroNotFound:
            attempt.drift = [f"Deleted in Scoro ({module} {attempt.scoro_id})"]
            attempt.save(update_fields=["drift", "updated_at"])
            raise PublishBlocked(
                f"The Scoro {'bill' if module == 'bills' else 'expense'} {attempt.scoro_id} was deleted in "
                "Scoro. Envoice does not re-create it on its own: restore it in Scoro and retry."
            ) from None
    if attempt.create_sent_at is not None:
        # A previous run sent a create and never stored the answer: find it before creating anything.
        found = _find_published(client, attempt, attempt.payload or payload)
        if found is not None:
            logger.info("Publishing %s: adopted Scoro %s %s", attempt.reference, module, found.get("id"))
            return _store_created(attempt, found, client=client, adopted=True)
    attempt.payload = payload
    attempt.create_sent_at = timezone.now()
    attempt.save(update_fields=["payload", "create_sent_at", "updated_at"])
    try:
        saved = client.create(module, payload, lookup=lambda: _find_published(client, attempt, payload))
    except ScoroError as exc:
        if not (isinstance(exc, ScoroUnavailable) and exc.ambiguous):
            # Scoro answered (or was never reached): the create did not happen.
            attempt.create_sent_at = None
            attempt.save(update_fields=["create_sent_at", "updated_at"])
        raise
    return _store_created(attempt, saved, client=client, adopted=False)


def _store_created(
    attempt: PublishAttempt, saved: dict[str, Any], *, client: ScoroClient, adopted: bool
) -> dict[str, Any]:
    scoro_id = int(saved["id"])
    # Write the id first, on its own: from here on, a re-run updates instead of creating.
    attempt.scoro_id = scoro_id
    attempt.create_sent_at = None
    attempt.save(update_fields=["scoro_id", "create_sent_at", "updated_at"])
    if saved.get("lines") is None:
        # Found through a list (lines are null there) after a lost answer: read it once.
        saved = client.view(attempt.scoro_module, scoro_id)
    if adopted:
        audit_record(
            target=attempt.target,
            verb="publish.adopted",
            actor_label=WORKER,
            message=f"Found the {attempt.get_kind_display()} {scoro_id} in Scoro by its reference; not created again.",
            data={"reference": attempt.reference, "scoro_id": scoro_id},
        )
    return saved


# --------------------------------------------------------------------------------------------- files
def _attachments(attempt: PublishAttempt, connection: ScoroConnection) -> list[tuple[str, str, Any]]:
    """(key, file name, file) of what goes to the Scoro document's Files: each original, and with
    "Publish all attachments" on every extra attachment and every file embedded in the e-invoice too."""
    documents = [attempt.document] if attempt.document_id else _report_receipts(attempt.expense_report)
    out = []
    for document in documents:
        if document.original:
            out.append(
                (f"original:{document.pk}:{document.sha256[:16]}", document.filename, document.original)
            )
        if connection.publish_attachments:
            for extra in Attachment.objects.filter(document=document):
                out.append((f"attachment:{extra.pk}:{extra.sha256[:16]}", extra.filename, extra.file))
            # Supporting files embedded in an e-invoice (type-checked and size-capped by the reader).
            for embedded in embedded_files_for(document):
                if embedded.content is not None:
                    key = f"embedded:{document.pk}:{embedded.sha256[:16]}"
                    out.append((key, embedded.name, ContentFile(embedded.content, name=embedded.name)))
    return out


def attachments_for_preview(attempt: PublishAttempt, connection: ScoroConnection | None) -> list:
    return _attachments(attempt, connection) if connection is not None else []


def _upload_files(attempt: PublishAttempt, *, client: ScoroClient, connection: ScoroConnection) -> None:
    wanted = _attachments(attempt, connection)
    if not wanted:
        return
    uploader = connection.owner_scoro_user_id
    if not uploader:
        raise PublishBlocked("Choose the Scoro user Envoice acts as (Settings › Integrations › Scoro).")
    files = dict(attempt.files or {})
    for key, name, field in wanted:
        entry = files.get(key) or {}
        if entry.get("linked"):
            continue
        if not entry.get("file_id"):
            with field.open("rb") as fh:
                content = fh.read()
            uploaded = client.upload_file(name, content, int(uploader))
            entry = {"file_id": int(uploaded.get("file_id") or uploaded.get("id")), "linked": False}
            files[key] = entry
            PublishAttempt.objects.filter(pk=attempt.pk).update(files=files)
        client.add_file_relation(entry["file_id"], attempt.scoro_module, int(attempt.scoro_id))
        entry["linked"] = True
        PublishAttempt.objects.filter(pk=attempt.pk).update(files=files)
    attempt.files = files


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
        attempt.status = A.PUBLISHED
        attempt.next_retry_at = None
        attempt.resumes = 0
        attempt.published_version = version
        attempt.published_at = timezone.now()
        attempt.payload = payload
        attempt.request_summary = summary
        attempt.response = mapping.saved_summary(saved, kind)
        attempt.scoro_line_ids = [ln.get("id") for ln in saved.get("lines") or []]
        attempt.mismatches = mismatches
        attempt.drift = []
        attempt.error = ""
        attempt.api_calls += api_calls
        attempt.create_sent_at = None
        attempt.save()
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
        attempt.status = A.FAILED
        attempt.error = message[:2000]
        attempt.next_retry_at = None
        attempt.api_calls += api_calls
        attempt.save(update_fields=["status", "error", "next_retry_at", "api_calls", "updated_at"])
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
    report = ExpenseReport.objects.select_for_update().get(pk=report.pk)
    from_state, report.status = report.status, status
    report.save(update_fields=["status"])
    verb = "finish_publish" if status == ExpenseReportStatus.PUBLISHED else "fail_publish"
    audit_record(
        target=report,
        verb=verb,
        actor_label=WORKER,
        from_state=from_state,
        to_state=status,
        message=message[:500],
        data=data,
    )


# --------------------------------------------------------------------------------------------- sweep
def publish_sweep(*, stale_after: timedelta | None = None) -> int:
    """Re-enqueue attempts left queued/publishing (broker down at enqueue, worker killed) and "retrying"
    attempts whose `next_retry_at` has come (the task resumes them). Returns how many."""
    stale_after = stale_after if stale_after is not None else timedelta(seconds=lease_seconds() + 60)
    now = timezone.now()
    ids = list(
        PublishAttempt.objects.filter(
            Q(status__in=IN_FLIGHT, updated_at__lte=now - stale_after)
            | Q(status=A.RETRYING, next_retry_at__lte=now)
        )
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .values_list("pk", flat=True)
    )
    for attempt_id in ids:
        enqueue(attempt_id)
    return len(ids)


# --------------------------------------------------------------------------------------------- reconciliation
def reconcile_published(*, company) -> dict[str, int]:
    """Compare what we published with what Scoro has now; flag drift (changed or deleted there) for a person.

    Cheap: one paged list per module of what changed since the last check (deleted ones included), and a
    `view` only for documents whose modified_date moved, to compare their lines.
    """
    from scoro_sync.services import scoro_client_for

    counts = {"checked": 0, "drifted": 0, "calls": 0}
    published = list(
        PublishAttempt.objects.for_company(company).filter(status=A.PUBLISHED, scoro_id__isnull=False)
    )
    if not published:
        return counts

    def observer(module: str, action: str) -> None:
        counts["calls"] += 1

    client = scoro_client_for(company=company, observer=observer)
    now = timezone.now()
    for module in ("bills", "expenses"):
        attempts = [a for a in published if a.scoro_module == module]
        if not attempts:
            continue
        checked = [a.drift_checked_at or a.published_at for a in attempts]
        since = min(c for c in checked if c) if all(checked) else None
        modified_since = (since - timedelta(days=1)).date() if since else None
        rows = {
            int(r["id"]): r for r in client.list(module, modified_since=modified_since, include_deleted=True)
        }
        for attempt in attempts:
            counts["checked"] += 1
            row = rows.get(int(attempt.scoro_id))
            if row is None and modified_since is None:
                drift = [f"Not found in Scoro ({module} {attempt.scoro_id}): deleted there"]
            elif row is None:
                drift = list(attempt.drift)  # unchanged since the last check
            elif row.get("is_deleted"):
                drift = [f"Deleted in Scoro on {row.get('deleted_date')}"]
            elif row.get("modified_date") == (attempt.response or {}).get("modified_date"):
                drift = []
            else:
                drift = mapping.drift_between(
                    attempt.response, client.view(module, int(attempt.scoro_id)), attempt.kind
                )
            _flag_drift(attempt, drift, now=now)
            counts["drifted"] += bool(drift)
    return counts


def _flag_drift(attempt: PublishAttempt, drift: list[str], *, now) -> None:
    new = drift and drift != attempt.drift
    attempt.drift = drift
    attempt.drift_checked_at = now
    attempt.save(update_fields=["drift", "drift_checked_at", "updated_at"])
    if new:
        audit_record(
            target=attempt.target,
            verb="publish.drift",
            actor_label="daily reconciliation",
            message="Changed in Scoro since it was published: " + "; ".join(drift),
            data={"drift": drift, "scoro_id": attempt.scoro_id},
        )


# --------------------------------------------------------------------------------------------- attachments
def attachment_add(
    *, document: Document, name: str, content: bytes, content_type: str = "", actor
) -> Attachment:
    """An extra file for `document` (published to Scoro with "Publish all attachments" on)."""
    attachment = Attachment(
        company_id=document.company_id,
        document=document,
        filename=name[:255],
        content_type=content_type,
        size=len(content),
        sha256=Attachment.digest(content),
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    audit_record(target=document, verb="attachment.added", actor=actor, message=name)
    return attachment
