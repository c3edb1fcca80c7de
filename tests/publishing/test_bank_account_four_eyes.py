"""Four eyes on a new bank account, against the Scoro sandbox: automatic publishing waits for the second
admin and then proceeds through a real worker; a queued attempt whose bill got a new IBAN meanwhile is
refused by the worker before anything is sent."""

from __future__ import annotations

import pytest

from bookkeeping.models import ContactBankAccount
from documents.bank_accounts import document_bank_account_confirm
from documents.coding import document_record
from publishing.models import PublishAttempt
from publishing.services import attempt_run, publish_document
from scoro_sync.contacts import remote_to_fields
from tests.factories import MembershipFactory
from tests.publishing.conftest import bills_with, wait_for, wait_published

ON_FILE = "EE382200221020145685"
NEW = "LT601010012345678901"


@pytest.fixture
def second_admin(company):
    return MembershipFactory(company=company, role="admin", user__username="second").user


@pytest.fixture
def supplier_on_file(coding, sandbox):
    """The supplier with ON_FILE as its account, here and in Scoro, in sync (as a sync leaves it)."""
    row = sandbox.modify("contacts", 5, {"bankaccount": ON_FILE})
    supplier = coding.supplier
    for name, value in remote_to_fields(row).items():
        setattr(supplier, name, value)
    supplier.synced_snapshot = remote_to_fields(row)
    supplier.save()
    return supplier


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_automatic_publishing_waits_for_the_second_admin_then_publishes(
    connection, make_document, supplier_on_file, admin_user, second_admin, sandbox, celery_worker
):
    connection.auto_publish = True
    connection.save()
    document = make_document(recorded=False, ready=False, fields={"iban": NEW})

    document = document_record(document=document, actor=admin_user)

    attempt = PublishAttempt.objects.get(document=document)
    assert document.status == "ready"
    assert attempt.status == "waiting" and "by a second admin" in attempt.waiting_reason
    assert bills_with(sandbox, attempt.reference) == []

    document_bank_account_confirm(document=document, actor=second_admin, iban=NEW)

    wait_published(document)
    assert document.status == "published", PublishAttempt.objects.get(document=document).error
    assert len(bills_with(sandbox, attempt.reference)) == 1
    # The confirmed account is the supplier's now, and Scoro learns it with the contact.
    supplier_on_file.refresh_from_db()
    assert supplier_on_file.iban == NEW
    assert ContactBankAccount.objects.get(contact=supplier_on_file, iban=NEW).status == "confirmed"
    wait_for(
        lambda: sandbox.store.dump("contacts", [5])[0].get("bankaccount") == NEW,
        message="the supplier's new account in Scoro",
    )


@pytest.mark.django_db
def test_a_queued_attempt_whose_bill_got_a_new_iban_is_not_sent(
    connection, make_document, supplier_on_file, admin_user, sandbox, django_capture_on_commit_callbacks
):
    document = make_document(fields={"iban": ON_FILE})
    with django_capture_on_commit_callbacks(execute=False):  # queued; the worker has not run yet
        attempt = publish_document(document=document, actor=admin_user)
    document.refresh_from_db()
    assert document.status == "queued" and attempt.status == "queued"
    # Meanwhile the bill's IBAN changes under it (a write that skipped the review screen).
    type(document).objects.filter(pk=document.pk).update(fields={**document.fields, "iban": NEW})
    calls_before = dict(sandbox.calls())

    attempt_run(attempt_id=attempt.pk)

    attempt.refresh_from_db()
    document.refresh_from_db()
    assert attempt.status == "failed" and "by a second admin" in attempt.error
    assert document.status == "publish_failed"
    assert bills_with(sandbox, attempt.reference) == []
    assert dict(sandbox.calls()) == calls_before  # refused before calling Scoro at all
