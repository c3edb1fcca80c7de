"""The life of a document and of an expense report, in one place.

Apps below announce what happened (core.hooks.Happened); this module alone decides what follows:

    received ──► extraction ──► extracted ──► coding rules ──► (a rule says so) recording
    recorded ──► approval, when a workflow applies ──► approved ──► ready
             └─► ready, when none does
    ready ─────► publishing to Scoro, when automatic publishing applies
    new bank account confirmed ─► publishing of the supplier's ready bills that waited for it
    corrected ─► extraction learns the supplier's layout;  coding changed in approval ─► approval restarts
    report submitted ──► approval, or (no workflow) confirmed once its receipts are read and coded
    report confirmed ──► publishing, when automatic publishing applies

Every status change still goes through its state machine; the answers only call the apps' services, in
the caller's transaction.
"""

from __future__ import annotations

import logging

from django.db import transaction

from accounts.models import Company
from approvals import services as approvals
from audit.services import audit_record
from bookkeeping.bank_accounts import normalize_iban
from bookkeeping.services import dimension_groups_ensure
from core.hooks import Happened, answers
from core.queueing import delay_tolerantly
from documents import expense_reports
from documents.choices import DocumentStatus
from documents.models import Document, ExpenseReport
from documents.state import transition
from extraction import services as extraction
from extraction import tasks as extraction_tasks
from publishing import services as publishing
from rules import services as rules

log = logging.getLogger(__name__)


@answers(Happened.COMPANY_CREATED)
def company_created(*, company: Company) -> None:
    dimension_groups_ensure(company=company)


# ------------------------------------------------------------------------------------------ intake
@answers(Happened.DOCUMENT_RECEIVED)
def document_received(*, document_id: int) -> None:
    """Read it in the background; a broker that is down is tolerated (the stuck-document sweep retries)."""
    delay_tolerantly(extraction_tasks.extract_document, document_id)


@answers(Happened.DOCUMENT_REQUEUED)
def document_requeued(*, document_id: int) -> None:
    """Read it again (the sweep found it waiting); raises when the broker is still down."""
    extraction_tasks.extract_document.delay(document_id)


# ------------------------------------------------------------------------------------------ extraction
@answers(Happened.DOCUMENT_EXTRACTED)
def document_extracted(*, document: Document) -> None:
    """Rules code the document as any person would (and may record it), once it is open for review."""
    try:
        with transaction.atomic():
            rules.rules_apply(document=document, actor=None)
    except Exception as exc:  # rules are a convenience; the document still reaches review
        log.exception("Coding rules failed on document %s", document.pk)
        document.warnings = [*document.warnings, f"Coding rules could not be applied: {exc}"]
        Document.objects.filter(pk=document.pk).update(warnings=document.warnings)


@answers(Happened.FIELDS_CORRECTED)
def fields_corrected(*, document: Document, fields: dict, actor) -> None:
    for name, value in fields.items():
        extraction.learn_from_correction(document=document, field=name, value=value, actor=actor)


# ------------------------------------------------------------------------------------------ recording
@answers(Happened.DOCUMENT_RECORDED)
def document_recorded(*, document: Document, actor, recorded: bool) -> str:
    """To approval when a workflow applies, else ready. Returns the status it reached."""
    event = "record" if recorded else "submit"
    if approvals.approval_start_if_required(document=document, actor=actor):
        audit_record(
            target=document,
            verb=event,
            actor=actor,
            message="Recorded and sent to approval." if recorded else "Submitted to approval.",
        )
        return DocumentStatus.IN_APPROVAL
    transition(
        document, event, actor=actor, message="Recorded." if recorded else "Submitted without recording."
    )
    return DocumentStatus.READY


@answers(Happened.CODING_CHANGED)
def coding_changed(*, document: Document, actor) -> None:
    if document.status == DocumentStatus.IN_APPROVAL:
        approvals.approval_restart_if_in_progress(document=document, actor=actor)


@answers(Happened.DOCUMENT_READY)
def document_ready(*, document: Document) -> bool:
    """Returns True when the document was queued for publishing."""
    return publishing.publish_if_automatic(document=Document.objects.get(pk=document.pk))


@answers(Happened.BANK_ACCOUNT_CONFIRMED)
def bank_account_confirmed(*, document: Document, iban: str) -> int:
    """The supplier's ready bills asking for the confirmed account waited for it: automatic publishing
    takes them now (when it applies). Returns how many were queued."""
    waiting = Document.objects.for_company(document.company).filter(
        supplier_id=document.supplier_id, status=DocumentStatus.READY
    )
    queued = 0
    for bill in waiting:
        if normalize_iban((bill.fields or {}).get("iban")) == iban:
            queued += publishing.publish_if_automatic(document=bill)
    return queued


# ------------------------------------------------------------------------------------------ expense reports
@answers(Happened.REPORT_SUBMITTED)
def report_submitted(*, report: ExpenseReport, actor) -> None:
    if not approvals.approval_start_for_expense_report(report=report, actor=actor):
        # Nobody has to approve it: confirmed as a whole once every receipt is read and coded.
        expense_reports.expense_report_confirm_unless_waiting(report=report, actor=actor)


@answers(Happened.REPORT_CONFIRMED)
def report_confirmed(*, report_id: int) -> None:
    publishing.publish_expense_report_if_automatic(report=ExpenseReport.objects.get(pk=report_id))
