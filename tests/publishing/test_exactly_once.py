"""Exactly once: retries, double clicks, two workers, lost answers and a worker killed mid-publish never
create a second Scoro bill; 429/5xx back off; validation errors fail fast; an edit updates the bill."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from audit.models import AuditEvent
from documents.models import Document
from documents.state import transition
from publishing.models import PublishAttempt
from publishing.services import enqueue, publish_document, publish_retry, publish_sweep
from tests.publishing.conftest import bills_with, wait_for, wait_published

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _creates(sandbox) -> int:
    return sandbox.calls()["by_endpoint"].get("bills/modify", 0)


def test_double_click_duplicate_messages_and_two_workers_create_one_bill(
    connection, make_document, accountant, sandbox, celery_worker, broker_mode
):
    broker_mode.start("second")
    sandbox.add_fault("delay", module="bills", action="modify", seconds=0.5)
    document = make_document()

    first = publish_document(document=document, actor=accountant)
    second = publish_document(document=document, actor=accountant)  # double click
    assert first.pk == second.pk
    enqueue(first.pk)  # a duplicate message, picked up by the other worker while the first is sending
    enqueue(first.pk)
    wait_published(document)
    wait_for(lambda: PublishAttempt.objects.get(pk=first.pk).lease_until is None, message="lease released")

    assert document.status == "published"
    assert len(bills_with(sandbox, first.reference)) == 1
    assert _creates(sandbox) == 1


def test_answer_lost_after_commit_is_found_by_reference_not_created_again(
    connection, make_document, accountant, sandbox, celery_worker
):
    sandbox.add_fault("drop_after_commit", module="bills", action="modify")
    document = make_document()

    attempt = publish_document(document=document, actor=accountant)
    wait_published(document)

    attempt.refresh_from_db()
    assert document.status == "published", attempt.error
    bills = bills_with(sandbox, attempt.reference)
    assert len(bills) == 1 and attempt.scoro_id == bills[0]["id"]
    assert _creates(sandbox) == 1
    assert sandbox.calls()["by_endpoint"]["bills/list"] >= 1  # looked up by the reference


def test_worker_killed_between_scoro_answer_and_our_write(
    connection, make_document, accountant, sandbox, broker_mode
):
    broker_mode.stop_all()  # only the worker we kill may take the task
    victim = broker_mode.start("victim")
    sandbox.add_fault("delay", module="bills", action="modify", seconds=1.5)
    document = make_document()

    attempt = publish_document(document=document, actor=accountant)
    wait_for(lambda: _creates(sandbox) == 1, message="the create to be in flight")
    victim.kill()  # -9 while Scoro is still working on the create

    attempt.refresh_from_db()
    document.refresh_from_db()
    assert document.status == "publishing" and attempt.create_sent_at is not None and attempt.scoro_id is None
    wait_for(lambda: len(bills_with(sandbox, attempt.reference)) == 1, message="Scoro to finish the create")

    broker_mode.start("rescuer")
    # The killed worker's message is not acknowledged; the sweep re-enqueues once its lease has expired.
    wait_for(
        lambda: publish_sweep(stale_after=timedelta(0)) == 1, timeout=10, message="the sweep to pick it up"
    )
    wait_published(document)

    attempt.refresh_from_db()
    assert document.status == "published", attempt.error
    assert len(bills_with(sandbox, attempt.reference)) == 1
    assert _creates(sandbox) == 1  # found by reference, never created again
    assert AuditEvent.objects.filter(verb="publish.adopted", target_id=document.pk).exists()
    assert attempt.attempts == 2
    broker_mode.stop_all()


def test_rate_limits_and_server_errors_back_off_and_retry(
    connection, make_document, accountant, sandbox, celery_worker
):
    sandbox.add_fault("429", count=2, module="bills", action="modify", retry_after=1)
    sandbox.add_fault("500", count=2, module="bills", action="modify")
    document = make_document()

    attempt = publish_document(document=document, actor=accountant)
    wait_published(document, timeout=30)

    attempt.refresh_from_db()
    assert document.status == "published", attempt.error
    assert len(bills_with(sandbox, attempt.reference)) == 1
    assert _creates(sandbox) == 5  # 2 × 429 + 2 × 500 + the one that worked
    assert attempt.api_calls == sandbox.calls()["total"]  # every call counted, the failed ones too
    event = AuditEvent.objects.get(verb="finish_publish", target_id=document.pk)
    assert event.data["api_calls_total"] == attempt.api_calls


def test_outage_longer_than_client_retries_is_retried_by_the_task(
    connection, make_document, accountant, sandbox, celery_worker
):
    sandbox.add_fault("503", count=4, module="bills", action="modify")  # more than one run's client retries
    document = make_document()

    attempt = publish_document(document=document, actor=accountant)
    wait_published(document, timeout=60)

    attempt.refresh_from_db()
    assert document.status == "published", attempt.error
    assert attempt.attempts >= 2  # the task ran again after the client gave up
    assert len(bills_with(sandbox, attempt.reference)) == 1


def test_validation_error_fails_fast_with_scoros_message_then_retry(
    connection, make_document, coding, accountant, sandbox, celery_worker
):
    from tests.factories import FinanceAccountFactory

    retired = FinanceAccountFactory(company=coding.company, code="4999", name="Old", scoro_id=25)
    document = make_document(finance_account=retired)

    attempt = publish_document(document=document, actor=accountant)
    wait_published(document)

    attempt.refresh_from_db()
    assert document.status == "publish_failed"
    assert "finance_account_id 25 is not active" in attempt.error
    assert _creates(sandbox) == 1 and attempt.attempts == 1  # no retries
    assert bills_with(sandbox, attempt.reference) == []

    Document.objects.filter(pk=document.pk).update(finance_account=coding.account)
    publish_retry(document=document, actor=accountant)
    wait_published(document, states=("published",))
    assert len(bills_with(sandbox, attempt.reference)) == 1


def test_republish_after_edit_updates_the_bill(connection, make_document, accountant, sandbox, celery_worker):
    document = make_document(
        lines=[
            {
                "description": "Paper",
                "quantity": Decimal("10"),
                "unit_price": Decimal("10"),
                "total": Decimal("100"),
            }
        ]
    )
    attempt = publish_document(document=document, actor=accountant)
    wait_published(document)
    attempt.refresh_from_db()
    scoro_id = attempt.scoro_id

    transition(document, "reopen", actor=accountant)
    document.lines.update(quantity=Decimal("12"), total=Decimal("120"))
    Document.objects.filter(pk=document.pk).update(
        version=document.version + 1,
        subtotal=Decimal("120"),
        tax_total=Decimal("26.40"),
        total=Decimal("146.40"),
    )
    transition(document, "record", actor=accountant)
    publish_document(document=document, actor=accountant)
    wait_published(document)

    attempt.refresh_from_db()
    bills = bills_with(sandbox, attempt.reference)
    assert len(bills) == 1 and attempt.scoro_id == scoro_id
    assert bills[0]["sum"] == 120.0 and bills[0]["lines"][0]["amount"] == 12
    assert sandbox.calls()["by_endpoint"]["bills/modify"] == 2  # create, then modify/<id>
    assert [c["id"] for c in sandbox.calls()["log"] if c["module"] == "bills"][-1] == str(scoro_id)
    assert attempt.published_version == document.version == 2


def test_deleted_in_scoro_is_not_recreated(connection, make_document, accountant, sandbox, celery_worker):
    document = make_document()
    attempt = publish_document(document=document, actor=accountant)
    wait_published(document)
    attempt.refresh_from_db()
    sandbox.modify("bills", attempt.scoro_id, {}, delete=True)

    Document.objects.filter(pk=document.pk).update(version=document.version + 1)
    publish_document(document=document, actor=accountant)
    wait_published(document, states=("publish_failed",))

    attempt.refresh_from_db()
    assert "was deleted in Scoro" in attempt.error
    assert bills_with(sandbox, attempt.reference) == []  # nothing re-created
