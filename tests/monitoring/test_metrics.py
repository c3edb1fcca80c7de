"""GET /metrics: who may read it, and the numbers after real work done by a real worker."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from kombu import Queue
from prometheus_client.parser import text_string_to_metric_families

from envoice.celery import app
from publishing.services import publish_document
from scoro_sync.models import SyncRun
from scoro_sync.services import sync_start
from tests.factories import MembershipFactory, UserFactory
from tests.publishing.conftest import wait_for, wait_published
from tests.samples import pdf

TOKEN = "scrape-token-for-tests"


@pytest.fixture
def metrics_token(settings):
    settings.ENVOICE_METRICS_TOKEN = TOKEN
    return TOKEN


def scrape(client, **headers) -> dict[str, dict[tuple, float]]:
    """{sample name: {(label, value) pairs: value}} from the text exposition."""
    response = client.get("/metrics", **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    samples: dict[str, dict[tuple, float]] = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return samples


def value(samples, name: str, **labels) -> float:
    return samples[name][tuple(sorted(labels.items()))]


@pytest.mark.django_db
def test_metrics_need_a_token_or_a_staff_session(client, company, admin_user, metrics_token):
    anonymous = client.get("/metrics")
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong-token").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Token {TOKEN}").status_code == 401

    client.force_login(admin_user)  # a company admin sees one company; the metrics span all of them
    assert client.get("/metrics").status_code == 403

    staff = UserFactory(username="operator", is_staff=True)
    MembershipFactory(company=company, user=staff, role="employee")
    client.force_login(staff)
    assert "envoice_documents" in scrape(client)

    client.logout()
    assert "envoice_documents" in scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")


@pytest.mark.django_db
def test_without_a_configured_token_no_bearer_token_is_accepted(client, settings):
    settings.ENVOICE_METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 401


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_metric_families_carry_real_values_after_real_work(
    client, company, admin_user, accountant, connection, make_document, sandbox, api_client_for,
    celery_worker, metrics_token, monkeypatch,
):  # fmt: skip
    auth = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}
    # A document uploaded through the API is extracted by the worker (a text PDF).
    response = api_client_for(accountant).post(
        "/api/v1/documents/", {"file": SimpleUploadedFile("invoice.pdf", pdf())}, format="multipart"
    )
    assert response.status_code == 201, response.content
    request_id = response["X-Request-ID"]
    wait_for(lambda: value(scrape(client, **auth), "envoice_documents", status="to_review") == 1,
             message="the upload to reach review")  # fmt: skip

    # A ready document published to the sandbox by the worker.
    document = make_document()
    publish_document(document=document, actor=accountant)
    assert wait_published(document).status == "published"

    # A background-data sync that meets one 429 from Scoro (waited out by the client).
    sandbox.add_fault("429", count=1, module="projects", retry_after=1)
    run = sync_start(company=company, types=["projects"], trigger="manual")
    wait_for(lambda: SyncRun.objects.get(pk=run.pk).finished_at, timeout=30, message="the sync")

    # Messages nobody consumes, in a queue of their own, show up as a queue depth.
    monkeypatch.setitem(app.conf, "task_queues", (Queue("metrics-probe"),))
    with app.producer_or_acquire() as producer:
        for n in range(3):
            producer.publish({"n": n}, routing_key="metrics-probe", declare=[Queue("metrics-probe")])

    samples = scrape(client, **auth)
    assert value(samples, "envoice_documents", status="to_review") == 1
    assert value(samples, "envoice_documents", status="published") == 1
    assert value(samples, "envoice_documents", status="received") == 0
    assert value(samples, "envoice_extraction_oldest_waiting_seconds") == 0
    assert value(samples, "envoice_extraction_seconds_count", category="pdf_text") == 1
    assert 0 < value(samples, "envoice_extraction_seconds_sum", category="pdf_text") < 60
    assert value(samples, "envoice_extraction_seconds_bucket", category="pdf_text", le="+Inf") == 1
    assert value(samples, "envoice_publish_attempts", status="published") == 1
    assert value(samples, "envoice_publish_runs_total", outcome="published") == 1
    assert value(samples, "envoice_scoro_calls_total", module="bills", status="200") >= 1
    assert value(samples, "envoice_scoro_calls_total", module="projects", status="429") == 1
    assert value(samples, "envoice_scoro_rate_limited_total", module="projects") == 1
    assert value(samples, "envoice_scoro_sync_seconds_count", status="succeeded") == 1
    assert value(samples, "envoice_broker_up") == 1
    assert value(samples, "envoice_queue_messages", queue="metrics-probe") == 3
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("metrics-probe")

    # The worker's JSON log lines of the extraction name the task and the upload request that queued it.
    lines = [json.loads(line) for line in celery_worker.output().splitlines() if line.startswith("{")]
    # (The worker is shared with earlier tests, so its log also holds their extractions.)
    extraction = [
        e
        for e in lines
        if e.get("task_name") == "extraction.tasks.extract_document" and e.get("request_id") == request_id
    ]
    assert extraction and all(e["task_id"] for e in extraction)
