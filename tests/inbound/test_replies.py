"""Point 5 of issue 19: the sender hears back — a receipt or the reason for a refusal — never automatic
mail, never unknown addresses (backscatter), at most N an hour, one per message."""

from __future__ import annotations

import pytest
from django.core import mail as outbox

from inbound.models import InboundMessage, InboundSettings
from inbound.replies import automatic_mail, reply_send
from inbound.tasks import send_inbound_reply
from tests import samples
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
PDF = ("inv.pdf", samples.pdf(), "application/pdf")


def test_accepted_mail_gets_a_receipt_listing_the_files(deliver, company):
    response, token = deliver(
        recipient=company.inbound_address,
        attachments=[PDF, ("terms.docx", b"PK\x03\x04 not really", "application/octet-stream")],
    )
    assert response.status_code == 200
    [reply] = outbox.outbox
    assert reply.to == ["billing@acme.example"]
    assert reply.subject == "Received: Invoice INV-2024-001"
    assert "1 document stored" in reply.body and "- inv.pdf" in reply.body
    assert "Left out:\n- terms.docx:" in reply.body
    assert "Open it in Envoice" not in reply.body and "http" not in reply.body  # not a member: no link
    record = InboundMessage.objects.get(token=token)
    assert reply.extra_headers["Auto-Submitted"] == "auto-replied"
    assert reply.extra_headers["In-Reply-To"] == record.message_id == f"<{token[:12]}@acme.example>"
    assert reply.extra_headers["References"].endswith(record.message_id)
    assert record.replied_at is not None


def test_a_member_gets_a_link_to_the_document(deliver, company, settings):
    MembershipFactory(company=company, role="accountant", user__email="Billing@Acme.example")
    deliver(recipient=company.inbound_address, attachments=[PDF])
    record = InboundMessage.objects.get()
    url = f"{settings.SITE_URL}/documents/{record.document_ids[0]}/"
    assert f"Open it in Envoice: {url}" in outbox.outbox[0].body


def test_references_thread_under_the_original(deliver, company):
    deliver(recipient=company.inbound_address, attachments=[PDF], headers=[("References", "<a@x.example>")])
    record = InboundMessage.objects.get()
    assert outbox.outbox[0].extra_headers["References"] == f"<a@x.example> {record.message_id}"


@pytest.mark.parametrize(
    "attachments, code, words",
    [
        ([("x.txt", b"hello", "text/plain")], "empty", "Nothing to store"),
        ([("huge.pdf", samples.pdf() + b" " * 6000, "application/pdf")], "attachment_too_large", "too large"),
    ],
)
def test_a_refusal_tells_the_reason(deliver, company, settings, attachments, code, words):
    settings.ENVOICE_MAX_UPLOAD_BYTES = 5000
    response, _ = deliver(recipient=company.inbound_address, text="", attachments=attachments)
    assert response.status_code == 406 and response.json()["code"] == code
    [reply] = outbox.outbox
    assert reply.subject == "Not received: Invoice INV-2024-001"
    assert words in reply.body and "Nothing was stored" in reply.body
    assert InboundMessage.objects.get().code == code


def test_unknown_addresses_and_refused_senders_never_get_a_reply(deliver, company, settings):
    """Backscatter: the From of mail to a wrong address is whatever a stranger wrote."""
    deliver(recipient=f"nobody-123@{settings.ENVOICE_INBOUND_DOMAIN}", attachments=[PDF])
    company.inbound_allowed_senders = "@trusted.example"
    company.save()
    deliver(recipient=company.inbound_address, sender="eve@evil.example", attachments=[PDF])
    assert outbox.outbox == []
    assert set(InboundMessage.objects.values_list("reply_to", flat=True)) == {""}


@pytest.mark.parametrize(
    "headers, sender, why",
    [
        ([("Auto-Submitted", "auto-replied")], "billing@acme.example", "Auto-Submitted"),
        ([("Auto-Submitted", "auto-generated; x=1")], "billing@acme.example", "Auto-Submitted"),
        ([("Precedence", "bulk")], "billing@acme.example", "Precedence"),
        ([("Precedence", "list")], "billing@acme.example", "Precedence"),
        ([("Precedence", "junk")], "billing@acme.example", "Precedence"),
        ([("Precedence", "auto_reply")], "billing@acme.example", "Precedence"),
        ([("X-Autoreply", "yes")], "billing@acme.example", "x-autoreply"),
        ([("List-Id", "<news.acme.example>")], "billing@acme.example", "List-Id"),
        ([("Return-Path", "<>")], "billing@acme.example", "Return-Path"),
        ([], "MAILER-DAEMON@acme.example", "automatic sender"),
        ([], "no-reply@acme.example", "automatic sender"),
        ([], "noreply@acme.example", "automatic sender"),
        ([], "postmaster@acme.example", "automatic sender"),
    ],
)
def test_automatic_mail_is_never_answered(deliver, company, headers, sender, why):
    response, token = deliver(
        recipient=company.inbound_address, sender=sender, attachments=[PDF], headers=headers
    )
    assert response.status_code == 200  # still taken in
    assert outbox.outbox == []
    record = InboundMessage.objects.get(token=token)
    assert record.reply_to == "" and why in record.reply_note


def test_a_person_saying_auto_submitted_no_is_answered():
    assert automatic_mail(headers={"auto-submitted": "no"}, sender="ann@acme.example") == ""


def test_a_sender_that_is_no_address_is_not_answered():
    assert automatic_mail(headers={}, sender="Billing Department") == "no usable sender address"


def test_header_text_from_the_sender_cannot_break_our_headers(company):
    record = InboundMessage.objects.create(
        token="t1", company=company, status="accepted", subject="Invoice\r\nBcc: victim@x.example",
        message_id="<a@b>\r\nBcc: victim@x.example", reply_to="ann@acme.example",
    )  # fmt: skip
    assert reply_send(message_id=record.pk) is True
    [reply] = outbox.outbox
    message = reply.message()
    assert message["Subject"] == "Received: Invoice Bcc: victim@x.example"
    assert message["Bcc"] is None and reply.recipients() == ["ann@acme.example"]


def test_our_own_mail_is_never_answered(settings):
    assert automatic_mail(headers={}, sender=f"x@{settings.ENVOICE_INBOUND_DOMAIN}")
    assert automatic_mail(headers={}, sender="noreply@envoice.local")


def test_replies_switched_off(deliver, company):
    InboundSettings.objects.create(company=company, send_replies=False)
    deliver(recipient=company.inbound_address, attachments=[PDF])
    assert outbox.outbox == []
    assert InboundMessage.objects.get().reply_note == "replies are switched off"


def test_rate_limit_per_sender_and_company(deliver, company, other_company, settings):
    settings.ENVOICE_INBOUND_REPLIES_PER_HOUR = 2
    for n in range(4):
        deliver(recipient=company.inbound_address, text=f"Receipt {n}")
    assert len(outbox.outbox) == 2
    limited = InboundMessage.objects.filter(reply_note__startswith="rate limit")
    assert limited.count() == 2 and not limited.filter(replied_at__isnull=False).exists()
    # Another sender, or the same sender writing to another company, has its own count.
    deliver(recipient=company.inbound_address, sender="ann@acme.example", text="Receipt")
    deliver(recipient=other_company.inbound_address, text="Receipt")
    assert len(outbox.outbox) == 4


def test_the_reply_task_sends_once_however_often_it_runs(deliver, company):
    deliver(recipient=company.inbound_address, attachments=[PDF], execute=False)  # task not run yet
    record = InboundMessage.objects.get()
    assert outbox.outbox == [] and record.reply_to == "billing@acme.example"

    assert send_inbound_reply.delay(record.pk).get() is True
    assert send_inbound_reply.delay(record.pk).get() is False  # a re-delivered task
    assert reply_send(message_id=record.pk) is False
    assert len(outbox.outbox) == 1


def test_a_failed_send_gives_the_claim_back(deliver, company, monkeypatch):
    deliver(recipient=company.inbound_address, attachments=[PDF], execute=False)
    record = InboundMessage.objects.get()

    def down(self, *args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", down)
    with pytest.raises(ConnectionRefusedError):
        reply_send(message_id=record.pk)
    record.refresh_from_db()
    assert record.replied_at is None  # the retry may send it
    monkeypatch.undo()
    assert reply_send(message_id=record.pk) is True and len(outbox.outbox) == 1


def test_the_reply_goes_through_the_configured_backend(deliver, company, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    deliver(recipient=company.inbound_address, attachments=[PDF])
    assert outbox.outbox == []  # the dummy backend got it, not locmem
    assert InboundMessage.objects.get().replied_at is not None
