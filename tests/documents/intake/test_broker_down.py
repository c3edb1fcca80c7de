"""The broker is down: the upload still succeeds, the document waits in "received", the sweep queues it."""

from datetime import timedelta

import pytest
from kombu.exceptions import OperationalError

from audit.selectors import audit_trail_for
from documents.models import Document
from documents.tasks import generate_previews, sweep_stuck_documents
from extraction.tasks import extract_document
from tests import samples

pytestmark = pytest.mark.django_db


def broker_down(*args, **kwargs):
    raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def test_upload_succeeds_and_sweep_requeues(upload, accountant, monkeypatch):
    monkeypatch.setattr(extract_document, "delay", broker_down)
    monkeypatch.setattr(generate_previews, "delay", broker_down)

    response = upload(accountant, samples.pdf())

    assert response.status_code == 201
    document = Document.objects.get(pk=response.json()["id"])
    assert document.status == "received"

    # The sweep while the broker is still down: nothing changes, nothing crashes.
    Document.objects.filter(pk=document.pk).update(received_at=document.received_at - timedelta(minutes=10))
    assert sweep_stuck_documents() == 0
    document.refresh_from_db()
    assert document.status == "received"

    # The broker is back: the next sweep queues it and the (eager) worker extracts it.
    monkeypatch.undo()
    assert sweep_stuck_documents() == 1
    document.refresh_from_db()
    assert document.status == "to_review"
    assert document.invoice_number == "INV-2024-001"
    assert document.pages.count() == 1
    assert "requeue" in [e.verb for e in audit_trail_for(target=document)]


def test_sweep_leaves_fresh_and_finished_documents_alone(upload, accountant, monkeypatch):
    monkeypatch.setattr(extract_document, "delay", lambda *a: None)
    fresh = upload(accountant, samples.pdf()).json()
    assert sweep_stuck_documents() == 0
    assert Document.objects.get(pk=fresh["id"]).status == "received"


def test_sweep_picks_up_extraction_abandoned_by_a_dead_worker(upload, accountant, settings):
    from documents.state import transition

    document = Document.objects.get(pk=upload(accountant, samples.pdf(), execute=False).json()["id"])
    transition(document, "start_extraction")
    Document.objects.filter(pk=document.pk).update(
        updated_at=document.updated_at - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 120)
    )
    assert sweep_stuck_documents() == 1
    document.refresh_from_db()
    assert document.status == "to_review"


def test_extraction_task_is_idempotent(upload, accountant):
    document_id = upload(accountant, samples.pdf()).json()["id"]
    assert Document.objects.get(pk=document_id).status == "to_review"
    assert extract_document.delay(document_id).get() == "nothing to do"
    assert extract_document.delay(999_999).get() == "nothing to do"
