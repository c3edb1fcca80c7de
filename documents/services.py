"""Writes for documents at intake: store the original, flag duplicates, queue the background work.

Every way in (browser, phone, REST API, e-mail, demo) calls `document_upload`. It checks the bytes
(`documents.intake`), stores each file untouched with its SHA-256, writes the audit event, and
queues extraction and page previews once the transaction has committed. A broker that is down
does not fail the upload: the document stays "received" and `documents.tasks.sweep_stuck_documents`
queues it again later.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction

from accounts.models import Company
from accounts.roles import role_can
from audit.services import audit_record
from core.errors import ValidationFailed
from core.hooks import Happened, announce
from core.queueing import delay_tolerantly
from documents.choices import DocumentSource, DocumentType
from documents.intake import IntakeFile, inspect_upload
from documents.models import Document, ExpenseReport

log = logging.getLogger(__name__)


def document_upload(
    *,
    company: Company,
    data: bytes,
    filename: str,
    actor=None,
    actor_label: str = "",
    membership=None,
    type: str | None = None,
    note: str = "",
    expense_report: ExpenseReport | int | None = None,
    source: str = DocumentSource.API,
    sender_email: str = "",
    email_subject: str = "",
) -> list[Document]:
    """Check `data` and store it as one document (several for an allowed ZIP); all or nothing.

    Raises IntakeRejected (a ValidationFailed) naming the file and the reason.
    """
    report = _resolve_expense_report(company=company, membership=membership, expense_report=expense_report)
    doc_type = type or _default_type(membership=membership, expense_report=report)
    if doc_type not in DocumentType.values:
        raise ValidationFailed(f"Unknown document type {doc_type!r}.", {"field": "type"})
    files = inspect_upload(data, filename=filename, allow_zip=company.allow_zip_uploads)
    return _store(
        company=company,
        files=files,
        actor=actor,
        actor_label=actor_label,
        doc_type=doc_type,
        note=note,
        expense_report=report,
        source=source,
        sender_email=sender_email,
        email_subject=email_subject,
    )


def _default_type(*, membership, expense_report: ExpenseReport | None) -> str:
    if expense_report is not None:
        return DocumentType.RECEIPT
    if membership is not None and not role_can(membership.role, "documents.view_all"):
        return DocumentType.RECEIPT  # employees send receipts
    return DocumentType.PURCHASE_INVOICE


def _resolve_expense_report(*, company, membership, expense_report) -> ExpenseReport | None:
    if expense_report in (None, ""):
        return None
    report_id = expense_report.pk if isinstance(expense_report, ExpenseReport) else expense_report
    qs = ExpenseReport.objects.for_company(company)
    if membership is not None and not role_can(membership.role, "documents.view_all"):
        qs = qs.filter(employee=membership.user)
    try:
        return qs.get(pk=int(report_id))
    except (ExpenseReport.DoesNotExist, TypeError, ValueError):
        raise ValidationFailed("No such expense report.", {"field": "expense_report"}) from None


def _store(
    *, company, files: list[IntakeFile], actor, actor_label, doc_type, note, expense_report, **origin
) -> list[Document]:
    documents: list[Document] = []
    written: list[str] = []  # stored names, to remove again if the transaction fails
    try:
        with transaction.atomic():
            for f in files:
                documents.append(
                    _create_one(
                        company=company,
                        file=f,
                        written=written,
                        actor=actor,
                        actor_label=actor_label,
                        doc_type=doc_type,
                        note=note,
                        expense_report=expense_report,
                        **origin,
                    )
                )
            ids = [d.pk for d in documents]
            transaction.on_commit(lambda: enqueue_background_work(ids))
    except BaseException:
        # The rows are rolled back; remove the bytes already written so nothing half-created remains.
        storage = Document._meta.get_field("original").storage
        for name in written:
            storage.delete(name)
        raise
    return documents


def _create_one(
    *,
    company,
    file: IntakeFile,
    written: list[str],
    actor,
    actor_label,
    doc_type,
    note,
    expense_report,
    **origin,
):
    sha256 = hashlib.sha256(file.data).hexdigest()
    first = (
        Document.objects.for_company(company)
        .filter(sha256=sha256, duplicate_of__isnull=True)
        .order_by("received_at", "id")
        .only("id")
        .first()
    )
    document = Document(
        company=company,
        type=doc_type,
        filename=file.filename,
        content_type=file.content_type,
        size=len(file.data),
        sha256=sha256,
        duplicate_of=first,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        note=note,
        page_count=file.pages,
        expense_report=expense_report,
        **origin,
    )
    # The stored name comes from the detected type, never from the uploader's file name.
    document.original.save(f"original.{file.extension}", ContentFile(file.data), save=False)
    written.append(document.original.name)
    document.save()
    data = {"source": document.source, "filename": file.filename, "size": document.size, "sha256": sha256}
    if origin.get("sender_email"):
        data.update(sender=origin["sender_email"], subject=origin.get("email_subject", ""))
    audit_record(
        target=document,
        verb="receive",
        actor=actor,
        actor_label=actor_label,
        to_state=document.status,
        message=f"Received {file.filename} ({document.get_source_display().lower()})",
        data=data,
    )
    if first is not None:
        audit_record(
            target=document,
            verb="flag_duplicate",
            actor=actor,
            actor_label=actor_label,
            message=f"Exact copy of document #{first.pk}",
            data={"duplicate_of": first.pk},
        )
    return document


def enqueue_background_work(document_ids: Iterable[int]) -> None:
    """Queue previews and extraction; tolerate a broker that is down (the sweep retries later)."""
    from documents.tasks import generate_previews  # tasks call these services: imported when first used

    for document_id in document_ids:
        delay_tolerantly(generate_previews, document_id)
        announce(Happened.DOCUMENT_RECEIVED, document_id=document_id)


def document_requeue_stuck(*, document: Document) -> bool:
    """The sweep found `document` waiting too long: queue its background work again.

    At most once per few sweep intervals, so a long queue behind a slow worker is not flooded with
    copies (the tasks are idempotent either way). Raises when the broker is still down.
    """
    from documents.tasks import generate_previews  # tasks call these services: imported when first used

    key = f"documents:requeued:{document.pk}"
    if not cache.add(key, 1, timeout=settings.ENVOICE_STUCK_AFTER_SECONDS * 5):
        return False
    try:
        announce(Happened.DOCUMENT_REQUEUED, document_id=document.pk)
        if not document.pages.exists() and document.page_count:
            generate_previews.delay(document.pk)
    except Exception:
        cache.delete(key)
        raise
    audit_record(
        target=document,
        verb="requeue",
        actor_label="sweep",
        message=f"Still {document.get_status_display().lower()}; queued for extraction again",
    )
    return True
