"""Background work for documents: page previews and the sweep of documents stuck in intake."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from core.storage import STORAGE_ERRORS
from documents.choices import DocumentStatus
from documents.models import Document, DocumentPage
from documents.previews import render_pages
from documents.services import document_requeue_stuck

log = logging.getLogger(__name__)


@shared_task(
    autoretry_for=STORAGE_ERRORS, retry_backoff=True, retry_backoff_max=600, max_retries=5, acks_late=True
)
def generate_previews(document_id: int) -> int:
    """Render page previews for a document; idempotent (replaces any earlier previews)."""
    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        return 0
    with document.original.open("rb") as fh:
        data = fh.read()
    try:
        pngs = render_pages(data, content_type=document.content_type)
    except Exception as exc:  # a damaged page must not block the document; review shows the original
        log.warning("Preview of document %s failed: %s", document_id, exc)
        audit_record(target=document, verb="preview_failed", actor_label="previews", message=str(exc)[:500])
        return 0
    with transaction.atomic():
        for page in document.pages.all():
            page.image.delete(save=False)
        document.pages.all().delete()
        field = DocumentPage._meta.get_field("image")
        for number, (png, width, height) in enumerate(pngs, start=1):
            page = DocumentPage(document=document, number=number, width=width, height=height)
            # Stored directly: FieldFile.save() would re-read the consumed buffer for the dimensions.
            page.image.name = field.storage.save(
                field.generate_filename(page, f"{number}.png"), ContentFile(png)
            )
            page.save()
        audit_record(
            target=document,
            verb="previews",
            actor_label="previews",
            message=f"{len(pngs)} page preview(s)",
            data={"pages": len(pngs)},
        )
    return len(pngs)


@shared_task
def sweep_stuck_documents() -> int:
    """Queue extraction again for documents left in received (broker was down) or extracting (worker died)."""
    now = timezone.now()
    received_before = now - timedelta(seconds=settings.ENVOICE_STUCK_AFTER_SECONDS)
    # A running extraction may take the whole task time limit; only then is it stuck.
    extracting_before = now - timedelta(seconds=settings.ENVOICE_EXTRACTION_TASK_TIME_LIMIT + 60)
    stuck = Document.objects.filter(
        status=DocumentStatus.RECEIVED, received_at__lt=received_before
    ) | Document.objects.filter(status=DocumentStatus.EXTRACTING, updated_at__lt=extracting_before)
    count = 0
    for document in stuck.order_by("received_at")[:500]:
        try:
            count += document_requeue_stuck(document=document)
        except Exception as exc:
            log.warning("Sweep could not queue document %s: %s", document.pk, exc)
            break  # the broker is still down; try again on the next run
    if count:
        log.info("Sweep queued %d stuck document(s) again", count)
    return count
