"""The daily digest: what waits for each approver, once a day, with links that work."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from approvals import digest, services
from approvals.models import ApprovalDigest
from approvals.tasks import send_daily_digests
from tests.factories import MembershipFactory, make_document

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 2)
LINK = re.compile(r"https?://\S+/approvals/email/[^/\s]+/(?:approve|reject)/")


@pytest.fixture
def waiting(make_document, make_workflow, approver, accountant):
    """Two purchase invoices waiting for `approver`; returns them."""
    make_workflow([{"users": [approver]}], min_amount="0")
    documents = [
        make_document(supplier_name="Kontorikaubad AS", invoice_number="KA-1", total="700.00"),
        make_document(supplier_name="Elektrum OÜ", invoice_number="EL-9", total="120.50"),
    ]
    for document in documents:
        assert services.approval_start_if_required(document=document, actor=accountant)
    return documents


def _digests(outbox):
    return [m for m in outbox if "waiting for you" in m.subject]


def test_an_approver_gets_one_digest_listing_what_waits_with_links(waiting, approver, mailoutbox):
    assert digest.approval_digests_send(day=TODAY) == 1
    (message,) = _digests(mailoutbox)
    assert message.to == [approver.email]
    assert message.subject == "2 approvals waiting for you"
    assert "2 approvals wait for your decision today (2026-12-02)" in message.body
    assert "Demo OÜ" in message.body
    assert "Kontorikaubad AS KA-1 (700.00 EUR)" in message.body
    assert "Elektrum OÜ EL-9 (120.50 EUR)" in message.body
    assert message.body.index("KA-1") < message.body.index("EL-9")  # oldest first
    assert len(LINK.findall(message.body)) == 4
    assert ApprovalDigest.objects.get(user=approver, day=TODAY).items == 2


def test_a_second_run_the_same_day_sends_nothing_the_next_day_sends_again(waiting, mailoutbox):
    assert digest.approval_digests_send(day=TODAY) == 1
    assert digest.approval_digests_send(day=TODAY) == 0
    assert len(_digests(mailoutbox)) == 1
    assert digest.approval_digests_send(day=TODAY + dt.timedelta(days=1)) == 1
    assert len(_digests(mailoutbox)) == 2


def test_nothing_waiting_means_no_mail(waiting, approver, accountant, mailoutbox):
    for document in waiting:
        services.approval_approve(
            request=services.approval_request_for_decision(document=document), actor=approver
        )
    assert digest.approval_digests_send(day=TODAY) == 0
    assert _digests(mailoutbox) == []
    assert not ApprovalDigest.objects.exists()


def test_decided_items_are_left_out_and_inactive_users_get_none(waiting, approver, mailoutbox):
    services.approval_reject(
        request=services.approval_request_for_decision(document=waiting[0]), actor=approver, comment="No"
    )
    assert digest.approval_digests_send(day=TODAY) == 1
    (message,) = _digests(mailoutbox)
    assert message.subject == "1 approval waiting for you"
    assert "1 approval waits for your decision" in message.body
    assert "KA-1" not in message.body and "EL-9" in message.body

    approver.is_active = False
    approver.save(update_fields=["is_active"])
    assert digest.approval_digests_send(day=TODAY + dt.timedelta(days=1)) == 0


def test_one_digest_covers_every_company_the_approver_belongs_to(
    waiting, approver, other_company, mailoutbox
):
    from approvals.services import approval_workflow_save

    MembershipFactory(company=other_company, user=approver, role="approver")
    approval_workflow_save(
        company=other_company, actor=approver, name="All", min_amount=None, steps=[{"users": [approver]}]
    )
    abroad = make_document(other_company, supplier_name="Far Away Ltd", invoice_number="FA-3", total="10")
    assert services.approval_start_if_required(document=abroad, actor=approver)
    assert digest.approval_digests_send(day=TODAY) == 1
    (message,) = _digests(mailoutbox)
    assert message.subject == "3 approvals waiting for you"
    assert "Demo OÜ" in message.body and "Other Ltd" in message.body and "FA-3" in message.body


def test_a_member_removed_from_the_company_is_not_told(waiting, approver, company, mailoutbox):
    from accounts.models import Membership

    Membership.objects.filter(user=approver, company=company).delete()
    assert digest.approval_digests_send(day=TODAY) == 0


def test_a_mail_failure_leaves_no_marker_so_the_retry_sends_it(waiting, approver, monkeypatch, mailoutbox):
    def broken(**_kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("approvals.notifications.send_digest", broken)
    with pytest.raises(OSError):
        digest.approval_digests_send(day=TODAY)
    assert not ApprovalDigest.objects.exists()
    monkeypatch.undo()
    assert digest.approval_digests_send(day=TODAY) == 1


def test_the_digest_links_open_their_pages(waiting, mailoutbox):
    digest.approval_digests_send(day=TODAY)
    (message,) = _digests(mailoutbox)
    for url in LINK.findall(message.body):
        assert Client().get(url[url.index("/approvals/") :]).status_code == 200


def test_the_beat_task_sends_todays_digests(waiting, mailoutbox, settings):
    from envoice.celery import app

    schedule = app.conf.beat_schedule["approval-daily-digest"]
    assert schedule["task"] == "approvals.tasks.send_daily_digests"
    assert send_daily_digests.delay().get() == 1
    assert send_daily_digests() == 0  # the same day again
    assert len(_digests(mailoutbox)) == 1
