"""Mail forwarded to a company's address becomes documents.

`inbound_receive(mail=...)` takes a provider-neutral `InboundMail` (the webhook view builds it from
django-anymail's parsed message) and either stores every attachment as a document — or, with no
attachment, the body rendered as a PDF — or refuses the whole message with `InboundRefused`.
Every message is logged in `InboundMessage`; a refused one never leaves anything else behind.

What else a message says lives next door: the company and project its address names
(`inbound.addressing`), the files in its MIME structure (`inbound.mime`), invoice links in its body
(`inbound.links`) and the reply its sender gets (`inbound.replies`, sent by `inbound.tasks` once the
message is logged).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from accounts.models import Company
from core.queueing import delay_tolerantly
from documents.choices import DocumentSource
from documents.coding import document_update
from documents.intake import IntakeRejected, html_to_text, text_to_pdf
from documents.services import document_upload
from inbound.addressing import any_matches, parse_address, project_for, split_entries
from inbound.links import fetch_invoice_links
from inbound.mime import MailAttachment
from inbound.models import InboundMessage
from inbound.preferences import audit_company, clean_sender_list
from inbound.replies import reply_address
from inbound.state import INBOUND_MACHINE
from inbound.tasks import send_inbound_reply

log = logging.getLogger(__name__)


@dataclass
class InboundMail:
    token: str
    recipient: str
    sender: str
    subject: str = ""
    message_id: str = ""
    text: str = ""
    html: str = ""
    attachments: list[MailAttachment] = field(default_factory=list)
    provider: str = "mailgun"
    # Header names in lower case (Auto-Submitted, Precedence, List-Id, Return-Path, References).
    headers: dict[str, str] = field(default_factory=dict)
    skipped: list[dict] = field(default_factory=list)  # parts inbound.mime left out, with why


class InboundRefused(Exception):
    """The message is refused as a whole; `code` is stable, the message is for the log."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def company_for_address(address: str) -> Company | None:
    """The company whose current forwarding address this is; None for unknown or rotated ones."""
    return parse_address(address).company


def sender_allowed(company: Company, sender: str) -> bool:
    """Empty allow-list: everyone. Otherwise one address or @domain (or domain) per line."""
    entries = split_entries(company.inbound_allowed_senders)
    return not entries or any_matches(entries, sender)


REPLY_FIELDS = ["code", "notes", "project", "reply_to", "reply_note", "references"]


def inbound_receive(*, mail: InboundMail) -> InboundMessage:
    """Log the message, then store its documents or raise InboundRefused (nothing stored)."""
    try:
        with transaction.atomic():
            record = InboundMessage.objects.create(
                provider=mail.provider,
                token=mail.token,
                recipient=mail.recipient[:320],
                sender=mail.sender[:320],
                subject=mail.subject[:255],
                message_id=mail.message_id[:255],
                status=InboundMessage.Status.REJECTED,
                reason="processing",
                attachment_count=len(mail.attachments),
                references=(mail.headers.get("references") or "")[:2000],
            )
    except IntegrityError:
        log.warning("Inbound mail refused: replayed token %s (to %s)", mail.token, mail.recipient)
        raise InboundRefused("This message was already delivered (replayed token).", code="replay") from None

    try:
        documents = _process(mail, record)
    except InboundRefused as refused:
        record.reason = refused.message
        record.code = refused.code
        record.save(update_fields=["reason", "company", *REPLY_FIELDS])
        log.warning("Inbound mail to %s from %s refused: %s", mail.recipient, mail.sender, refused.message)
        _reply_later(record)
        raise
    except Exception:
        # Let the provider retry: forget the token, so the retry is not taken for a replay.
        record.delete()
        raise
    INBOUND_MACHINE.fire(
        record,
        "accept",
        actor_label=mail.sender[:150],
        message=f"{len(documents)} document(s) from {mail.sender}",
        data={"documents": [d.pk for d in documents]},
        also={
            "reason": "",
            "document_ids": [d.pk for d in documents],
            "company": record.company,
            "skipped": record.skipped,
        },
    )
    _reply_later(record)  # after the status write: the reply says "accepted"
    return record


def _reply_later(record: InboundMessage) -> None:
    """Queue the sender's reply once the message's outcome is stored (inbound.replies decides)."""
    if record.reply_to:
        transaction.on_commit(lambda: delay_tolerantly(send_inbound_reply, record.pk))


def _process(mail: InboundMail, record: InboundMessage):
    address = parse_address(mail.recipient)
    company = address.company
    if company is None:
        raise InboundRefused(f"Unknown or rotated address {mail.recipient}.", code="unknown_address")
    record.company = company
    if not sender_allowed(company, mail.sender):
        raise InboundRefused(
            f"{mail.sender} is not on the company's sender allow-list.", code="sender_not_allowed"
        )
    # From here on the sender knows the company's address and may send to it: it may hear back.
    record.reply_to, record.reply_note = reply_address(
        company=company, headers=mail.headers, sender=mail.sender
    )
    limit = settings.ENVOICE_INBOUND_MAX_ATTACHMENTS
    if len(mail.attachments) > limit:
        raise InboundRefused(
            f"Too many attachments ({len(mail.attachments)}); the limit is {limit}.",
            code="too_many_attachments",
        )
    for attachment in mail.attachments:
        if len(attachment.content) > settings.ENVOICE_MAX_UPLOAD_BYTES:
            raise InboundRefused(
                f"Attachment {attachment.filename} is too large "
                f"({len(attachment.content) / 1048576:.1f} MB).",
                code="attachment_too_large",
            )
    # Slow work (fetching linked invoices) before any transaction is open.
    linked = fetch_invoice_links(company=company, sender=mail.sender, text=mail.text, html=mail.html)
    choice = project_for(company, code=address.code, sender=mail.sender)
    record.project = choice.project
    record.notes = [n for n in (choice.note, *linked.notes) if n]

    origin = {
        "company": company,
        "source": DocumentSource.EMAIL,
        "sender_email": _email_or_blank(mail.sender),
        "email_subject": mail.subject[:255],
        "actor_label": f"e-mail from {mail.sender}"[:150],
    }
    documents, skipped = [], [*mail.skipped, *linked.skipped]
    try:
        with transaction.atomic():
            for attachment in [*mail.attachments, *linked.files]:
                try:
                    documents += document_upload(
                        data=attachment.content, filename=attachment.filename, **origin
                    )
                except IntakeRejected as rejected:
                    if rejected.code in ("too_large", "zip_too_large", "zip_too_many_files"):
                        raise InboundRefused(rejected.message, code="attachment_too_large") from None
                    skipped.append({"filename": attachment.filename, "reason": rejected.message})
            if not documents:
                body = _body_text(mail)
                if not body:
                    reasons = (
                        "; ".join(s["reason"] for s in skipped) or "the message has no attachment and no text"
                    )
                    raise InboundRefused(f"Nothing to store: {reasons}.", code="empty")
                name = (slugify(mail.subject)[:80] or "e-mail") + ".pdf"
                header = f"From: {mail.sender}\nTo: {mail.recipient}\nSubject: {mail.subject}\n\n"
                documents += document_upload(
                    data=text_to_pdf(header + body, title=mail.subject or "E-mail"), filename=name, **origin
                )
            if choice.project is not None:
                documents = [
                    document_update(
                        document=d, data={"project": choice.project.pk}, actor=None, source=choice.source
                    )
                    for d in documents
                ]
    except BaseException:
        for document in documents:  # rows rolled back; remove their bytes too
            document.original.storage.delete(document.original.name)
        raise
    record.skipped = skipped
    record.save(update_fields=REPLY_FIELDS)  # what the reply needs; the status is written by the caller
    return documents


def _body_text(mail: InboundMail) -> str:
    text = (mail.text or "").strip()
    if not text and mail.html:
        text = html_to_text(mail.html)
    return text


def _email_or_blank(value: str) -> str:
    value = (value or "").strip()
    return value if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value) and len(value) <= 254 else ""


def inbound_address_rotated(*, company: Company, old_address: str, actor) -> None:
    """Record a rotation done by accounts.services.company_rotate_inbound_address."""
    audit_company(
        company=company,
        verb="rotate_inbound_address",
        actor=actor,
        message=f"Forwarding address changed; {old_address} no longer accepts mail",
        data={"old": old_address, "new": company.inbound_address},
    )


@transaction.atomic
def inbound_senders_set(*, company: Company, senders: str, actor) -> Company:
    entries = clean_sender_list(senders, field="senders")
    company.inbound_allowed_senders = "\n".join(entries)
    company.save(update_fields=["inbound_allowed_senders"])
    audit_company(
        company=company,
        verb="set_inbound_senders",
        actor=actor,
        message=f"Sender allow-list: {len(entries)} entr{'y' if len(entries) == 1 else 'ies'}",
        data={"senders": entries},
    )
    return company
