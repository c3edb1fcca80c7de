"""The sender hears back: one reply per inbound message, with a receipt or the reason for a refusal.

Who is answered (decided when the message arrives, `reply_address`):
- never mail to an unknown or rotated address, a replayed delivery or a sender the company's allow-list
  refuses: the From of such mail is whatever a stranger wrote, and answering it sends our mail to
  people who never wrote to us (backscatter). Knowing a company's secret forwarding address is what
  earns an answer;
- never automatic mail (RFC 3834): `Auto-Submitted` other than `no`, `Precedence: bulk/list/junk`, a
  `List-Id`, an empty or `<>` Return-Path, mailer-daemon/postmaster/noreply senders, and mail from our
  own inbound domain or our own From address — so two auto-responders cannot talk to each other;
- not when the company switched replies off (`InboundSettings.send_replies`).

Our replies carry `Auto-Submitted: auto-replied` (and `X-Auto-Response-Suppress` for Exchange),
`In-Reply-To` and `References`, so they thread under the original and other robots stay quiet.
At most `ENVOICE_INBOUND_REPLIES_PER_HOUR` replies go to one sender of one company per hour (counted
from the log, so a loop that slips past the header checks is still cut short).

`reply_send` is what the Celery task runs: it claims the message (replied_at set where it was empty,
in one UPDATE), so a re-delivered task never sends a second reply; a failed send gives the claim back
and the task retries. A link to the documents is included only when the sender is a member of the
company (anyone else could not open it anyway).
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from inbound.models import InboundMessage
from inbound.selectors import document_names, inbound_settings_for, is_member_address, replies_sent_since

log = logging.getLogger(__name__)

ROBOT_LOCAL_PARTS = re.compile(
    r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|noreply-.*|bounce.*|.*-bounces?)$", re.I
)


def automatic_mail(*, headers: dict[str, str], sender: str) -> str:
    """Why a message is automatic mail that must not be answered ("" when a person sent it).
    `headers` are the message's, names in lower case."""
    auto = (headers.get("auto-submitted") or "").strip().lower()
    if auto and auto.split(";")[0].strip() != "no":
        return f"automatic mail (Auto-Submitted: {auto[:40]})"
    precedence = (headers.get("precedence") or "").strip().lower()
    if precedence in ("bulk", "list", "junk", "auto_reply"):
        return f"bulk mail (Precedence: {precedence})"
    for name in ("x-autoreply", "x-autorespond"):  # older auto-responders' own marks
        if headers.get(name):
            return f"automatic mail ({name})"
    if headers.get("list-id"):
        return "mailing-list mail (List-Id)"
    if "return-path" in headers and headers["return-path"].strip() in ("", "<>"):
        return "a bounce (empty Return-Path)"
    local, _, domain = (sender or "").strip().lower().rpartition("@")
    try:
        validate_email((sender or "").strip())
    except ValidationError:
        return "no usable sender address"
    if ROBOT_LOCAL_PARTS.match(local):
        return f"an automatic sender ({local}@)"
    own = settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">").strip().lower()
    if domain == settings.ENVOICE_INBOUND_DOMAIN.lower() or sender.strip().lower() == own:
        return "our own mail"
    return ""


def reply_address(*, company, headers: dict[str, str], sender: str) -> tuple[str, str]:
    """(address to answer, "") or ("", why not) for a message to `company` that was let in."""
    if not inbound_settings_for(company).send_replies:
        return "", "replies are switched off"
    why = automatic_mail(headers=headers, sender=sender)
    return ("", why) if why else (sender.strip(), "")


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def reply_build(record: InboundMessage) -> EmailMessage:
    """The reply to `record`: what was stored (and a link) or why nothing was."""
    company = record.company
    subject = record.subject or "(no subject)"
    lines: list[str] = []
    if record.status == InboundMessage.Status.ACCEPTED:
        count = len(record.document_ids)
        lines.append(
            f"Envoice received your message “{subject}” for {company.name}: "
            f"{count} document{'s' if count != 1 else ''} stored."
        )
        names = document_names(record.company_id, record.document_ids)
        lines += ["", *[f"- {names.get(pk, f'document #{pk}')}" for pk in record.document_ids]]
        if record.project_id:
            lines += ["", f"Filed under project {record.project}."]
        if record.skipped:
            lines += ["", "Left out:", *[f"- {s['filename']}: {s['reason']}" for s in record.skipped]]
        if record.notes:
            lines += ["", *record.notes]
        if is_member_address(record.company_id, record.reply_to):
            if count == 1:
                url = _absolute(reverse("documents:review", args=[record.document_ids[0]]))
            else:
                url = _absolute(reverse("documents:inbox"))
            lines += ["", f"Open {'it' if count == 1 else 'them'} in Envoice: {url}"]
        title = f"Received: {subject}"
    else:
        lines += [
            f"Envoice could not take your message “{subject}” for {company.name}.",
            "",
            f"Reason: {record.reason}",
            "",
            "Nothing was stored. Send it again once the problem is fixed.",
        ]
        if record.notes:
            lines += ["", *record.notes]
        title = f"Not received: {subject}"
    lines += ["", "— This is an automatic reply; answers to it are not read."]
    headers = {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"}
    if record.message_id:
        headers["In-Reply-To"] = _one_line(record.message_id)
        headers["References"] = _one_line(f"{record.references} {record.message_id}")[-2000:]
    return EmailMessage(
        subject=_one_line(title)[:200],
        body="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[record.reply_to],
        headers=headers,
    )


def _one_line(text: str) -> str:
    """Header text from someone else's header: no line breaks (they would end the header)."""
    return " ".join((text or "").split())


def _over_limit(record: InboundMessage) -> bool:
    sent = replies_sent_since(record, timezone.now() - timedelta(hours=1))
    return sent >= settings.ENVOICE_INBOUND_REPLIES_PER_HOUR


def reply_send(*, message_id: int) -> bool:
    """Send the one reply `message_id` is owed; False when it is not owed (or no longer)."""
    record = (
        InboundMessage.objects.select_related("company", "project")
        .filter(pk=message_id, company__isnull=False)
        .exclude(reply_to="")
        .first()
    )
    if record is None or record.replied_at is not None or record.reply_note:
        return False
    if _over_limit(record):
        InboundMessage.objects.filter(pk=record.pk, replied_at__isnull=True).update(
            reply_note="rate limit: too many replies to this sender in the last hour"
        )
        log.warning("No reply to %s for message %s: rate limit", record.reply_to, record.pk)
        return False
    claimed = InboundMessage.objects.filter(Q(reply_note=""), pk=record.pk, replied_at__isnull=True).update(
        replied_at=timezone.now()
    )
    if not claimed:
        return False  # another delivery of the task got here first
    try:
        reply_build(record).send()
    except Exception:
        InboundMessage.objects.filter(pk=record.pk).update(replied_at=None)
        raise
    return True
