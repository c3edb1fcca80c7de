"""Scoro down (503), rate limiting (429) and slow answers while a batch is being published.

The worker runs with short backoffs (tests/worker_fixtures.py: PUBLISHING_RETRY_BASE_SECONDS=0.3,
PUBLISHING_MAX_RETRIES=3, PUBLISHING_CLIENT_RETRIES=2), so minutes of production backoff take seconds here.
Each test prints what was done and what was lost; the target is nothing lost and nothing duplicated.
"""

from __future__ import annotations

import time

import pytest
import requests

from documents.models import Document
from publishing.models import PublishAttempt
from publishing.services import publish_document
from tests.lifecycle.helpers import wait_for
from tests.publishing.conftest import bills_with

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BATCH = 6


def _report(title: str, documents, sandbox) -> dict:
    attempts = {a.document_id: a for a in PublishAttempt.objects.filter(document__in=documents)}
    per_document = {d.pk: len(bills_with(sandbox, attempts[d.pk].reference)) for d in documents}
    statuses = dict(Document.objects.filter(pk__in=[d.pk for d in documents]).values_list("pk", "status"))
    summary = {
        "documents": len(documents),
        "published": sum(s == "published" for s in statuses.values()),
        "failed": sum(s == "publish_failed" for s in statuses.values()),
        "bills in Scoro": sum(per_document.values()),
        "lost (no bill)": sum(n == 0 for n in per_document.values()),
        "duplicated (>1 bill)": sum(n > 1 for n in per_document.values()),
        "API calls": sandbox.calls()["total"],
    }
    print(f"\n[{title}] " + ", ".join(f"{k}: {v}" for k, v in summary.items()))
    return {"summary": summary, "per_document": per_document, "statuses": statuses}


def test_outage_and_rate_limits_while_publishing_a_batch(
    connection, make_document, accountant, sandbox, celery_worker
):
    documents = [make_document(invoice_number=f"OUT-{n}") for n in range(BATCH)]
    # Scoro is down, then throttles, then answers slowly: queued before anything is published.
    sandbox.add_fault("503", count=8, module="bills", action="modify")
    sandbox.add_fault("429", count=4, module="bills", action="modify", retry_after=1)
    sandbox.add_fault("delay", count=3, module="bills", action="modify", seconds=1.0)

    for document in documents:
        publish_document(document=document, actor=accountant)
        publish_document(document=document, actor=accountant)  # impatient second click

    def all_done():
        return not Document.objects.filter(
            pk__in=[d.pk for d in documents], status__in=("queued", "publishing")
        ).exists()

    wait_for(all_done, timeout=60, what="the batch to leave queued/publishing")
    result = _report("503 ×8, 429 ×4, 3 slow answers", documents, sandbox)

    assert result["summary"]["duplicated (>1 bill)"] == 0, result
    assert set(result["statuses"].values()) == {"published"}, result
    assert set(result["per_document"].values()) == {1}, result


def test_outage_longer_than_the_retry_budget_resumes_when_scoro_returns(
    connection, make_document, accountant, sandbox, celery_worker
):
    """Scoro down for "an hour": longer than every retry the worker makes. When Scoro answers again the
    documents must be published without anybody pressing Retry."""
    documents = [make_document(invoice_number=f"HOUR-{n}") for n in range(2)]
    sandbox.add_fault("503", count=1000, module="bills", action="modify")  # down until cleared

    for document in documents:
        publish_document(document=document, actor=accountant)

    # The worker gives up on every document while Scoro is still down.
    def settled():
        return not Document.objects.filter(
            pk__in=[d.pk for d in documents], status__in=("queued", "publishing")
        ).exists()

    wait_for(settled, timeout=45, what="the worker to stop retrying during the outage")
    during = _report("during a long outage", documents, sandbox)
    assert during["summary"]["bills in Scoro"] == 0

    # Scoro is back.
    assert requests.delete(f"{sandbox.base_url}/_sandbox/faults", timeout=5).json()["faults"] == []
    give_up_at = time.monotonic() + 8  # far longer than a retry or a sweep takes in these settings
    while time.monotonic() < give_up_at:
        if not Document.objects.filter(pk__in=[d.pk for d in documents]).exclude(status="published").exists():
            break
        time.sleep(0.5)
    after = _report("8 s after Scoro returned", documents, sandbox)

    assert after["summary"]["duplicated (>1 bill)"] == 0, after
    failed = [pk for pk, s in after["statuses"].items() if s != "published"]
    assert not failed, (
        f"documents {failed} stay {set(after['statuses'].values())} after Scoro came back: an outage longer than "
        "the task's retries (PUBLISHING_MAX_RETRIES; by default 8 retries from 10 s, about half an hour) ends in "
        "'Publishing failed', and nothing (publish_sweep only looks at queued/publishing attempts) publishes them "
        "when Scoro answers again; a person has to press Retry on each document."
    )
