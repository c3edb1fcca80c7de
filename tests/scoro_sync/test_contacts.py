"""Two-way contacts against the live sandbox: create/match/update in Scoro, conflicts, resolution."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from bookkeeping.contacts import contact_save_local
from bookkeeping.models import Contact
from scoro_sync.contacts import contact_conflict_resolve
from scoro_sync.models import SyncRun
from scoro_sync.sync import SyncRunner


def save(company, actor, capture, contact=None, **data) -> Contact:
    with capture(execute=True):
        contact = contact_save_local(company=company, contact=contact, data=data, actor=actor)
    contact.refresh_from_db()
    return contact


def pull_contacts(company) -> SyncRun:
    run = SyncRun.objects.create(company=company, types=["contacts"], trigger="manual")
    return SyncRunner(run=run).execute()


def remote(sandbox, scoro_id):
    return sandbox.store.dump("contacts", [scoro_id])[0]


def test_new_supplier_is_created_in_scoro(
    connected, company, admin_user, sandbox, django_capture_on_commit_callbacks
):
    before = len(sandbox.records("contacts"))
    contact = save(
        company, admin_user, django_capture_on_commit_callbacks,
        name="Uus Tarnija OÜ", reg_no="16000001", vat_no="EE102999991", iban="EE382200221020145685",
        email="arved@uus.ee", country="EE", city="Tallinn", street="Lossi 1", zipcode="10111",
    )  # fmt: skip
    assert contact.push_state == Contact.PushState.IN_SYNC and contact.scoro_id
    row = remote(sandbox, contact.scoro_id)
    assert len(sandbox.records("contacts")) == before + 1
    assert row["name"] == "Uus Tarnija OÜ" and row["is_supplier"] is True
    assert row["vatno"] == "EE102999991" and row["bankaccount"] == "EE382200221020145685"
    assert row["addresses"][0]["country"] == "EST"  # alpha-3, as Scoro wants
    assert row["means_of_contact"]["email"] == ["arved@uus.ee"]
    assert contact.synced_snapshot["name"] == "Uus Tarnija OÜ"
    assert AuditEvent.objects.filter(verb="contact.created_in_scoro", target_id=contact.pk).exists()


@pytest.mark.parametrize(
    "match",
    [
        {"vat_no": "FI23456781", "name": "Nordic Cloud (typo)"},
        {"reg_no": "2345678-1", "name": "Nordic Cloud (typo)"},
        {"name": "Nordic Cloud Services Oy"},
    ],
)
def test_existing_scoro_contact_is_matched_not_duplicated(
    company, admin_user, sandbox, match, django_capture_on_commit_callbacks, fast_retries
):
    from tests.scoro_sync.conftest import connect

    connect(company, sandbox, admin_user, capture=django_capture_on_commit_callbacks)
    Contact.objects.for_company(company).filter(scoro_id=1).delete()  # as if never pulled
    before = len(sandbox.records("contacts"))
    contact = save(company, admin_user, django_capture_on_commit_callbacks, **match)
    assert contact.scoro_id == 1
    assert len(sandbox.records("contacts")) == before


def test_local_change_updates_scoro(
    connected, company, admin_user, sandbox, django_capture_on_commit_callbacks
):
    contact = Contact.objects.for_company(company).get(scoro_id=1)
    contact = save(
        company,
        admin_user,
        django_capture_on_commit_callbacks,
        contact=contact,
        iban="FI1410093000123458",
        city="Espoo",
    )
    assert contact.push_state == Contact.PushState.IN_SYNC
    row = remote(sandbox, 1)
    assert row["bankaccount"] == "FI1410093000123458" and row["addresses"][0]["city"] == "Espoo"
    assert row["name"] == "Nordic Cloud Services Oy"  # untouched fields stay


def test_remote_change_is_pulled_when_nothing_changed_here(connected, company, sandbox):
    sandbox.modify("contacts", 1, {"vatno": "FI99999999"})
    pull_contacts(company)
    contact = Contact.objects.for_company(company).get(scoro_id=1)
    assert contact.vat_no == "FI99999999" and contact.push_state == Contact.PushState.IN_SYNC


def test_change_on_both_sides_becomes_a_conflict_and_keep_mine(
    connected, company, admin_user, sandbox, django_capture_on_commit_callbacks
):
    contact = Contact.objects.for_company(company).get(scoro_id=1)
    # Changed here, but the push has not happened yet (queue down).
    contact_save_local(company=company, contact=contact, data={"city": "Tampere"}, actor=admin_user)
    sandbox.modify(
        "contacts",
        1,
        {"addresses": [{"country": "FIN", "city": "Turku", "street": "X 1", "zipcode": "20100"}]},
    )
    pull_contacts(company)
    contact.refresh_from_db()
    assert contact.push_state == Contact.PushState.CONFLICT
    assert contact.city == "Tampere"  # never silently overwritten
    assert contact.conflict_remote["city"] == "Turku"
    # A push attempt does not overwrite Scoro either.
    from scoro_sync.tasks import push_contact

    assert push_contact.apply(args=[contact.pk]).get() == "nothing to send"
    assert remote(sandbox, 1)["addresses"][0]["city"] == "Turku"

    with django_capture_on_commit_callbacks(execute=True):
        contact_conflict_resolve(contact=contact, keep="mine", actor=admin_user)
    contact.refresh_from_db()
    assert contact.push_state == Contact.PushState.IN_SYNC and contact.city == "Tampere"
    assert remote(sandbox, 1)["addresses"][0]["city"] == "Tampere"
    assert AuditEvent.objects.filter(verb="contact.conflict_resolved", target_id=contact.pk).exists()


def test_conflict_take_scoro(connected, company, admin_user, sandbox):
    contact = Contact.objects.for_company(company).get(scoro_id=2)
    contact_save_local(company=company, contact=contact, data={"name": "Mine SIA"}, actor=admin_user)
    sandbox.modify("contacts", 2, {"name": "Theirs SIA"})
    pull_contacts(company)
    contact.refresh_from_db()
    assert contact.push_state == Contact.PushState.CONFLICT
    contact_conflict_resolve(contact=contact, keep="scoro", actor=admin_user)
    contact.refresh_from_db()
    assert contact.name == "Theirs SIA" and contact.push_state == Contact.PushState.IN_SYNC
    assert contact.conflict_remote == {}


def test_push_detects_remote_change_made_after_the_pull(
    connected, company, admin_user, sandbox, django_capture_on_commit_callbacks
):
    contact = Contact.objects.for_company(company).get(scoro_id=3)
    sandbox.modify("contacts", 3, {"id_code": "LT-NEW"})
    contact = save(
        company, admin_user, django_capture_on_commit_callbacks, contact=contact, iban="LT601010012345678901"
    )
    assert contact.push_state == Contact.PushState.CONFLICT
    assert remote(sandbox, 3)["bankaccount"] != "LT601010012345678901"


def test_validation_error_marks_failed(
    connected, company, admin_user, sandbox, django_capture_on_commit_callbacks
):
    contact = save(company, admin_user, django_capture_on_commit_callbacks, name="")
    assert contact.push_state == Contact.PushState.FAILED
    assert "name" in contact.push_error


def test_pending_contacts_go_out_with_the_next_sync(connected, company, admin_user, sandbox):
    contact = contact_save_local(
        company=company, contact=None, data={"name": "Queued Later OÜ"}, actor=admin_user
    )
    # The on_commit push never ran (broker down); the sync sends it.
    pull_contacts(company)
    contact.refresh_from_db()
    assert contact.push_state == Contact.PushState.IN_SYNC and contact.scoro_id
    assert remote(sandbox, contact.scoro_id)["name"] == "Queued Later OÜ"


def test_push_without_connection_stays_pending(company, admin_user, django_capture_on_commit_callbacks):
    contact = save(company, admin_user, django_capture_on_commit_callbacks, name="Offline OÜ")
    assert contact.push_state == Contact.PushState.PENDING and contact.scoro_id is None
