"""Extraction in the background. Thin: the work is `extraction.services.extraction_run`."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError

from extraction.services import ExtractionTransientError, extraction_run


@shared_task(
    bind=True,
    autoretry_for=(ExtractionTransientError, OperationalError),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=6,
    acks_late=True,
)
def extract_document(self, document_id: int) -> str:
    """Extract a received document. Safe to run twice: a second copy finds nothing to do."""
    lock = f"extraction:running:{document_id}"
    if not cache.add(lock, self.request.id or "eager", timeout=settings.ENVOICE_EXTRACTION_TIME_LIMIT * 3):
        return "already running"
    try:
        document = extraction_run(document_id=document_id)
    finally:
        cache.delete(lock)
    return "done" if document is not None else "nothing to do"
