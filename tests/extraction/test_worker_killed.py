"""A worker killed with -9 in the middle of OCR: the document is extracted again and finishes once.

(A worker killed with -9 during publishing is covered by tests/publishing/test_exactly_once.py:
test_worker_killed_between_scoro_answer_and_our_write.)
"""

from __future__ import annotations

import io
import time
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from audit.models import AuditEvent
from documents.models import Document
from documents.tasks import sweep_stuck_documents
from tests.lifecycle.helpers import wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _receipt_photo() -> bytes:
    """A full-page photo of a receipt: OCR takes a few seconds, long enough to kill the worker inside it."""
    image = Image.new("RGB", (2480, 3508), "white")
    draw = ImageDraw.Draw(image)
    lines = ["Bolt Operations OU", "Receipt no: BOLT-99123", "Date: 05.03.2025", ""]
    lines += [f"Waiting time and luggage, stop {n}      {n}.00" for n in range(1, 45)]
    lines += ["", "Total EUR 14.60", "VAT 22% 2.63"]
    for i, text in enumerate(lines):
        draw.text((120, 150 + i * 66), text, fill="black", font_size=42)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def test_worker_killed_during_ocr_is_retried_and_finishes_once(
    api_client_for, accountant, company, broker_mode, django_capture_on_commit_callbacks
):
    broker_mode.stop_all()  # only the worker we kill may take the task
    victim = broker_mode.start("ocr-victim")
    client = api_client_for(accountant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/documents/",
            {"file": SimpleUploadedFile("receipt.png", _receipt_photo()), "type": "receipt"},
            format="multipart",
        )
    assert response.status_code == 201, response.content
    document = Document.objects.get(pk=response.json()["id"])

    wait_for(
        lambda: Document.objects.get(pk=document.pk).status == "extracting",
        timeout=30,
        interval=0.05,
        what="OCR to start",
    )
    time.sleep(0.5)  # inside OCR
    victim.kill()
    document.refresh_from_db()
    assert document.status == "extracting", (
        f"OCR finished before the kill ({document.status}); make it slower"
    )

    # The killed worker's message stays unacknowledged (acks_late; Redis hands it out again only after the
    # visibility timeout) and its extraction lock lives for 3 × the time limit. The periodic sweep takes
    # over once an extraction has been running longer than the task time limit allows: let that time pass.
    lock = f"extraction:running:{document.pk}"
    ttl = redis.Redis.from_url(settings.REDIS_URL).ttl(cache.make_key(lock))
    assert ttl is not None and 0 < ttl <= settings.ENVOICE_EXTRACTION_TIME_LIMIT * 3, ttl  # it will expire
    cache.delete(lock)
    Document.objects.filter(pk=document.pk).update(
        updated_at=document.updated_at - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 120)
    )
    rescuer = broker_mode.start("ocr-rescuer")
    assert sweep_stuck_documents() == 1
    wait_for(
        lambda: Document.objects.get(pk=document.pk).status == "to_review",
        timeout=40,
        what="the sweep's extraction to finish",
    )

    document.refresh_from_db()
    verbs = list(AuditEvent.objects.filter(target_id=document.pk).values_list("verb", flat=True))
    print(
        f"\n[worker -9 during OCR] document {document.pk}: {document.status}, total {document.total}, "
        f"number {document.invoice_number}; finish_extraction × {verbs.count('finish_extraction')}, "
        f"requeue × {verbs.count('requeue')}; lost: {'nothing' if document.status == 'to_review' else 'the document'}"
    )
    assert verbs.count("finish_extraction") == 1
    assert "requeue" in verbs
    assert document.invoice_number == "BOLT-99123"
    assert str(document.total) == "14.60"

    # The original message, redelivered late (after the visibility timeout), finds nothing to do.
    from extraction.tasks import extract_document

    # .result, not .get(): Celery's "would block" flag is process-global and an eager task run by an
    # earlier test's live-server thread can leave it set; an EagerResult never blocks.
    redelivered = extract_document.apply(args=(document.pk,))
    assert redelivered.successful() and redelivered.result == "nothing to do"
    assert AuditEvent.objects.filter(target_id=document.pk, verb="finish_extraction").count() == 1
    rescuer.stop()
