"""Point 6 of issue 19 (part one): forwarded mail with .eml attachments, and inline images — where a
photo is a document and a logo is not."""

from __future__ import annotations

from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

import pytest

from documents.models import Document
from inbound.mime import collect
from inbound.models import InboundMessage
from tests import samples
from tests.inbound.conftest import photo

pytestmark = pytest.mark.django_db


def eml(*, subject="Fwd: invoice", body="See attached.", attachments=(), forwarded=()) -> bytes:
    """A message as a mail client saves it (.eml): attachments are (name, bytes, type); forwarded are
    other .eml bytes, attached as message/rfc822 (base64-encoded, as some clients and Python do)."""
    message = EmailMessage(policy=default)
    message["From"] = "Supplier <invoices@supplier.example>"
    message["To"] = "ann@acme.example"
    message["Subject"] = subject
    message.set_content(body)
    for name, data, content_type in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    for inner in forwarded:
        message.add_attachment(inner, maintype="message", subtype="rfc822", filename="forwarded.eml")
    return message.as_bytes()


def test_an_attached_eml_gives_its_attachments(deliver, company):
    inner = eml(attachments=[("inv-7.pdf", samples.pdf("Invoice no: INV-7"), "application/pdf")])
    response, token = deliver(
        recipient=company.inbound_address, attachments=[("fwd.eml", inner, "message/rfc822")]
    )
    assert response.status_code == 200, response.content
    [document] = Document.objects.filter(company=company)
    assert document.filename == "inv-7.pdf" and document.content_type == "application/pdf"
    assert InboundMessage.objects.get(token=token).document_ids == [document.pk]


def test_an_eml_without_files_becomes_a_pdf_of_its_text(deliver, company):
    receipt = eml(subject="Your Bolt receipt", body="Total: 12.40 EUR\nDate: 03.05.2024")
    response, _ = deliver(
        recipient=company.inbound_address, attachments=[("receipt.eml", receipt, "application/octet-stream")]
    )
    assert response.status_code == 200, response.content
    document = Document.objects.get(company=company)
    assert document.filename == "your-bolt-receipt.pdf"
    assert "Total: 12.40 EUR" in document.text and "invoices@supplier.example" in document.text


def test_nested_forwards_are_opened_down_to_the_limit(deliver, company, settings):
    settings.ENVOICE_INBOUND_MAX_MESSAGE_DEPTH = 2
    deepest = eml(attachments=[("deep.pdf", samples.pdf("Invoice no: D-3"), "application/pdf")])
    level2 = eml(
        attachments=[("two.pdf", samples.pdf("Invoice no: T-2"), "application/pdf")], forwarded=[deepest]
    )
    level1 = eml(forwarded=[level2])
    response, token = deliver(
        recipient=company.inbound_address, attachments=[("fwd.eml", level1, "message/rfc822")]
    )

    assert response.status_code == 200, response.content
    assert list(Document.objects.filter(company=company).values_list("filename", flat=True)) == ["two.pdf"]
    skipped = InboundMessage.objects.get(token=token).skipped
    assert {"filename": "forwarded.eml", "reason": "forwarded too many levels deep"} in skipped


def test_a_nested_file_is_taken_once():
    """Python's walk() descends into an attached message; our walk must not take its files twice."""
    inner = eml(attachments=[("inv.pdf", samples.pdf(), "application/pdf")])
    outer = EmailMessage(policy=default)
    outer["Subject"] = "Fwd"
    outer.set_content("fyi")
    outer.add_attachment(message_from_bytes(inner, policy=default))  # 7bit, as RFC 2046 wants
    assert [f.filename for f in collect(outer).files] == ["inv.pdf"]


def test_an_inline_photo_is_a_document_and_a_logo_is_not(deliver, company):
    logo = samples.image("PNG", size=(120, 40))
    response, token = deliver(
        recipient=company.inbound_address,
        text="Receipt from lunch, photo below",
        html='<p>Receipt</p><img src="cid:img1@acme.example"><p>--<br><img src="cid:img2@acme.example"></p>',
        inline=[("receipt.jpg", photo(), "image/jpeg"), ("logo.png", logo, "image/png")],
    )
    assert response.status_code == 200, response.content
    [document] = Document.objects.filter(company=company)
    assert document.filename == "receipt.jpg" and document.content_type == "image/jpeg"
    [skipped] = InboundMessage.objects.get(token=token).skipped
    assert skipped["filename"] == "logo.png" and "logo or signature" in skipped["reason"]


def test_a_large_but_narrow_inline_image_is_a_logo(settings):
    """A signature banner can be many bytes; it is still a few dozen pixels tall and not a receipt."""
    settings.ENVOICE_INBOUND_MIN_INLINE_IMAGE_BYTES = 100
    message = EmailMessage(policy=default)
    message.set_content("hi")
    message.add_alternative("<p>hi</p>", subtype="html")
    message.get_payload()[1].add_related(
        samples.image("PNG", size=(250, 60)), maintype="image", subtype="png", cid="<banner>"
    )
    found = collect(message)
    assert found.files == [] and "250 px" in found.skipped[0]["reason"]


def test_an_image_in_multipart_related_without_disposition_is_inline(settings):
    message = EmailMessage(policy=default)
    message.set_content("hi")
    message.add_alternative('<img src="cid:p">', subtype="html")
    html = message.get_payload()[1]
    html.add_related(photo(), maintype="image", subtype="jpeg", cid="<p>")
    related_image = html.get_payload()[1]
    del related_image["Content-Disposition"]
    [found] = collect(message).files
    assert found.kind == "inline" and found.content_type == "image/jpeg"


def test_the_bodies_are_not_files():
    message = EmailMessage(policy=default)
    message.set_content("plain")
    message.add_alternative("<p>html</p>", subtype="html")
    assert collect(message).files == []
