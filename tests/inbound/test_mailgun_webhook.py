"""The inbound-mail webhook over HTTP, with payloads signed exactly as Mailgun signs them.

Mailgun posts a multipart form ("fully parsed" forward() route) with `timestamp`, `token` and
`signature` = HMAC-SHA256(webhook signing key, timestamp + token), hex.
"""

import json
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from audit.selectors import audit_trail_for
from documents.models import Document
from inbound.models import InboundMessage
from tests import samples
from tests.mailgun import signed_mailgun_fields

pytestmark = pytest.mark.django_db
URL = "/api/v1/inbound/mailgun/inbound/"


def mailgun_post(
    client,
    settings,
    *,
    recipient,
    sender="Billing <billing@acme.example>",
    subject="Invoice INV-2024-001",
    attachments=(),
    text="Please find the invoice attached.",
    html="",
    token=None,
    timestamp=None,
    key=None,
    signature=None,
    headers=(),
    inline=(),
):
    """`attachments` and `inline` are (name, content, content type); inline ones get a Content-ID."""
    data = signed_mailgun_fields(
        recipient=recipient,
        sender=sender,
        subject=subject,
        text=text,
        signing_key=key or settings.ANYMAIL["MAILGUN_WEBHOOK_SIGNING_KEY"],
        attachment_count=len(attachments) + len(inline),
        token=token,
        timestamp=timestamp,
        signature=signature,
        message_id_domain="acme.example",
        headers=headers,
    )
    if html:
        data["body-html"] = html
    for n, (name, content, content_type) in enumerate(attachments, start=1):
        data[f"attachment-{n}"] = SimpleUploadedFile(name, content, content_type=content_type)
    cids = {}
    for n, (name, content, content_type) in enumerate(inline, start=len(attachments) + 1):
        data[f"attachment-{n}"] = SimpleUploadedFile(name, content, content_type=content_type)
        cids[f"<img{n}@acme.example>"] = f"attachment-{n}"
    if cids:
        data["content-id-map"] = json.dumps(cids)
    return client.post(URL, data), data["token"]


@pytest.fixture
def post(client, settings, django_capture_on_commit_callbacks):
    def do(**kwargs):
        with django_capture_on_commit_callbacks(execute=kwargs.pop("execute", True)):
            return mailgun_post(client, settings, **kwargs)

    return do


def nothing_stored(settings):
    media = Path(settings.MEDIA_ROOT)
    return Document.objects.count() == 0 and (
        not media.exists() or not any(p.is_file() for p in media.rglob("*"))
    )


def test_every_attachment_becomes_a_document(post, company):
    response, token = post(
        recipient=company.inbound_address,
        attachments=[
            ("inv.pdf", samples.pdf(), "application/pdf"),
            ("photo.jpg", samples.image("JPEG"), "image/jpeg"),
        ],
    )

    assert response.status_code == 200, response.content
    documents = Document.objects.filter(company=company).order_by("id")
    assert [d.filename for d in documents] == ["inv.pdf", "photo.jpg"]
    for d in documents:
        assert d.source == "email"
        assert d.sender_email == "billing@acme.example"
        assert d.email_subject == "Invoice INV-2024-001"
        trail = audit_trail_for(target=d)
        assert trail[0].verb == "receive" and trail[0].actor_label == "e-mail from billing@acme.example"
        assert trail[0].data["subject"] == "Invoice INV-2024-001"
    assert documents[0].status == "to_review" and documents[0].invoice_number == "INV-2024-001"
    message = InboundMessage.objects.get(token=token)
    assert message.status == "accepted" and message.company == company
    assert message.document_ids == [d.pk for d in documents]


def test_mailgun_needs_no_csrf_cookie(settings, company, django_capture_on_commit_callbacks):
    # Mailgun signs its requests and has no CSRF cookie: the webhook must be exempt as routed.
    csrf_client = Client(enforce_csrf_checks=True)
    with django_capture_on_commit_callbacks(execute=True):
        response, _ = mailgun_post(
            csrf_client, settings, recipient=company.inbound_address,
            attachments=[("inv.pdf", samples.pdf(), "application/pdf")],
        )  # fmt: skip
    assert response.status_code == 200, response.content
    assert Document.objects.filter(company=company, source="email").count() == 1


def test_body_without_attachment_becomes_a_pdf(post, company):
    response, _ = post(
        recipient=company.inbound_address.upper(),  # addresses are case-insensitive
        subject="Your receipt from Bolt",
        text="",
        html="<html><style>p{}</style><body><h1>Bolt</h1><p>Total: 12.40 EUR</p><p>Date: 03.05.2024</p></body></html>",
    )
    assert response.status_code == 200, response.content
    document = Document.objects.get(company=company)
    assert document.content_type == "application/pdf"
    assert document.filename == "your-receipt-from-bolt.pdf"
    assert "Total: 12.40 EUR" in document.text
    assert "p{}" not in document.text
    assert document.pages.count() == 1


def test_unsupported_attachment_is_skipped_and_noted(post, company):
    response, _ = post(
        recipient=company.inbound_address,
        attachments=[
            ("inv.pdf", samples.pdf(), "application/pdf"),
            ("terms.docx", b"PK\x03\x04 not really", "application/octet-stream"),
        ],
        execute=False,
    )
    assert response.status_code == 200
    assert response.json()["skipped"][0]["filename"] == "terms.docx"
    assert Document.objects.filter(company=company).count() == 1


@pytest.mark.parametrize(
    "address", ["nobody-abc123@{domain}", "{slug}-00000000@{domain}", "{slug}-{token}@evil.example"]
)
def test_unknown_address_is_rejected_and_logged(post, company, settings, address):
    recipient = address.format(
        domain=settings.ENVOICE_INBOUND_DOMAIN, slug=company.slug, token=company.inbound_token
    )
    response, token = post(recipient=recipient, attachments=[("inv.pdf", samples.pdf(), "application/pdf")])

    assert response.status_code == 406
    assert response.json()["code"] == "unknown_address"
    assert nothing_stored(settings)
    message = InboundMessage.objects.get(token=token)
    assert message.status == "rejected" and message.company is None


def test_rotated_address_stops_working(post, company, settings):
    from accounts.services import company_rotate_inbound_address

    old = company.inbound_address
    company_rotate_inbound_address(company=company)
    response, _ = post(recipient=old, attachments=[("inv.pdf", samples.pdf(), "application/pdf")])
    assert response.status_code == 406
    assert nothing_stored(settings)
    response, _ = post(
        recipient=company.inbound_address, attachments=[("inv.pdf", samples.pdf(), "application/pdf")]
    )
    assert response.status_code == 200


def test_sender_allow_list(post, company, settings):
    company.inbound_allowed_senders = "ap@trusted.example\n@acme.example"
    company.save()
    response, _ = post(recipient=company.inbound_address, sender="Eve <eve@evil.example>", execute=False)
    assert response.status_code == 406 and response.json()["code"] == "sender_not_allowed"
    assert nothing_stored(settings)
    assert (
        post(recipient=company.inbound_address, sender="x@acme.example", execute=False)[0].status_code == 200
    )
    assert (
        post(recipient=company.inbound_address, sender="ap@trusted.example", execute=False)[0].status_code
        == 200
    )
    assert (
        post(recipient=company.inbound_address, sender="ap2@trusted.example", execute=False)[0].status_code
        == 406
    )


def test_replayed_message_is_refused(post, company):
    attachments = [("inv.pdf", samples.pdf(), "application/pdf")]
    first, token = post(recipient=company.inbound_address, attachments=attachments, execute=False)
    assert first.status_code == 200
    again, _ = post(recipient=company.inbound_address, attachments=attachments, token=token, execute=False)
    assert again.status_code == 406 and again.json()["code"] == "replay"
    assert Document.objects.count() == 1


@pytest.mark.parametrize(
    "tamper",
    [{"key": "wrong-key"}, {"signature": "0" * 64}, {"timestamp": int(time.time()) - 3600}],
)
def test_bad_or_stale_signature_is_refused(post, company, settings, tamper):
    response, _ = post(
        recipient=company.inbound_address,
        attachments=[("inv.pdf", samples.pdf(), "application/pdf")],
        **tamper,
    )
    assert response.status_code == 400
    assert nothing_stored(settings)
    assert InboundMessage.objects.count() == 0


def test_mail_bomb_of_attachments_is_refused(post, company, settings):
    settings.ENVOICE_INBOUND_MAX_ATTACHMENTS = 5
    attachments = [(f"{i}.png", samples.image(color=(i, i, i)), "image/png") for i in range(6)]
    response, token = post(recipient=company.inbound_address, attachments=attachments)
    assert response.status_code == 406 and response.json()["code"] == "too_many_attachments"
    assert nothing_stored(settings)
    assert InboundMessage.objects.get(token=token).status == "rejected"


def test_oversized_attachment_refuses_the_whole_message(post, company, settings):
    settings.ENVOICE_MAX_UPLOAD_BYTES = 5000
    attachments = [
        ("small.pdf", samples.pdf(), "application/pdf"),
        ("huge.pdf", samples.pdf() + b" " * 6000, "application/pdf"),
    ]
    response, _ = post(recipient=company.inbound_address, attachments=attachments)
    assert response.status_code == 406 and response.json()["code"] == "attachment_too_large"
    assert nothing_stored(settings)


def test_empty_message_is_refused(post, company, settings):
    response, _ = post(
        recipient=company.inbound_address, text="", attachments=[("x.txt", b"hello", "text/plain")]
    )
    assert response.status_code == 406 and response.json()["code"] == "empty"
    assert nothing_stored(settings)


def test_duplicate_by_mail_is_flagged(post, company):
    attachments = [("inv.pdf", samples.pdf(), "application/pdf")]
    post(recipient=company.inbound_address, attachments=attachments, execute=False)
    post(recipient=company.inbound_address, attachments=attachments, execute=False)
    first, second = Document.objects.order_by("id")
    assert second.duplicate_of == first


def test_webhook_is_off_without_a_signing_key(client, settings):
    """Issue 15, finding 4: with no key configured nothing may be accepted (it used the demo's)."""
    settings.ANYMAIL = {**settings.ANYMAIL, "MAILGUN_WEBHOOK_SIGNING_KEY": ""}
    response = client.post("/api/v1/inbound/mailgun/inbound/", {"timestamp": "1"})
    assert response.status_code == 404 and response.json()["detail"]


def test_forged_webhook_answers_json(client):
    response = client.post(
        "/api/v1/inbound/mailgun/inbound/", {"timestamp": "1", "token": "x", "signature": "forged"}
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json") and response.json()["detail"]


def test_webhook_needs_no_csrf_cookie():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/inbound/mailgun/inbound/", {"timestamp": "1", "token": "x", "signature": "forged"}
    )
    assert response.status_code == 400 and response.json()["detail"]  # refused for its signature, not CSRF
