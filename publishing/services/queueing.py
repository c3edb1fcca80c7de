"""Queueing: who may publish what, when automatic publishing applies, and the sweep that re-enqueues."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import audit_record
from core.errors import ApplicationError, InvalidTransition, ValidationFailed
from documents.choices import DocumentStatus as S
from documents.choices import DocumentType, ExpenseReportStatus
from documents.models import Document, ExpenseReport
from documents.readiness import bank_account_blocker, missing_for_publishing
from documents.state import report_transition, transition
from publishing import mapping
from publishing.models import PublishAttempt
from publishing.services.base import (
    IN_FLIGHT,
    PUBLISHABLE_DOCUMENT_STATES,
    PUBLISHABLE_REPORT_STATES,
    A,
    connection_for,
    enqueue,
    lease_seconds,
    report_receipts,
)
from publishing.state import ATTEMPT_MACHINE
from scoro_sync.models import ScoroConnection


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
    bank = bank_account_blocker(document)
    if bank:
        return f"Waiting for {bank}."
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
    missing = missing_for_publishing(document)
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
                ATTEMPT_MACHINE.fire(
                    attempt, "wait", actor=actor, message=reason, also={"waiting_reason": reason}
                )
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
    ATTEMPT_MACHINE.fire(
        attempt,
        "queue",
        actor=actor,
        actor_label="" if actor else "automatic publishing",
        data={"version": version},
        also={
            "next_retry_at": None,
            "resumes": 0,  # a person (or a new version) asked: a fresh retry budget
            "queued_version": version,
            "waiting_reason": "",
            "error": "",
            "queued_at": timezone.now(),
            "requested_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    attempt_id = attempt.pk
    transaction.on_commit(lambda: enqueue(attempt_id))


def publish_expense_report(*, report: ExpenseReport, actor, automatic: bool = False) -> PublishAttempt:
    """Queue a confirmed expense report as one Scoro expense (one line per receipt)."""
    connection = connection_for(report.company)
    if connection is None or not connection.is_connected:
        raise ValidationFailed("Connect the company to Scoro first (Settings › Integrations › Scoro).")
    receipts = report_receipts(report)
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
            ATTEMPT_MACHINE.fire(
                attempt, "wait", actor=actor, message=reason, also={"waiting_reason": reason}
            )
            if automatic:
                return attempt
            raise ValidationFailed(reason, {"missing": missing})
        report_transition(
            report,
            "queue_publish",
            actor=actor,
            actor_label="" if actor else "automatic publishing",
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
