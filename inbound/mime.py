"""The files in a message, in the forms mail carries them.

`collect(message)` walks a parsed message (`email.message.EmailMessage`, which django-anymail's
inbound message is) and returns its files:

- attachments (Content-Disposition: attachment, or a named non-text part);
- forwarded messages (`message/rfc822`, or an attachment named `*.eml`): parsed with the email package
  (`policy.default`) and their own files taken in, down to `ENVOICE_INBOUND_MAX_MESSAGE_DEPTH` levels;
  a forwarded message with no file of its own becomes a PDF of its headers and text — that is what a
  forwarded receipt e-mail is;
- inline images (Content-Disposition: inline, a Content-ID, or an image inside multipart/related):
  a photo of a receipt pasted into the mail is a document, a logo or a signature image is not. Images
  under `ENVOICE_INBOUND_MIN_INLINE_IMAGE_BYTES` or smaller than `ENVOICE_INBOUND_MIN_INLINE_IMAGE_PX`
  on their longest side are skipped and listed with why: every company's mail carries a logo in each
  signature, and without this rule each would become a document someone has to delete.

The walk never descends into a forwarded message on its own (Python's `walk()` does), so a nested file
is never taken twice. The message's own text and HTML bodies are not files.
"""

from __future__ import annotations

import base64
import email
import io
import quopri
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, Message

from django.conf import settings
from django.utils.text import slugify
from PIL import Image, UnidentifiedImageError

from documents.intake import html_to_text, text_to_pdf


@dataclass
class MailAttachment:
    filename: str
    content: bytes
    content_type: str = ""
    kind: str = "attachment"  # "attachment" | "inline" | "forwarded" | "link"


@dataclass
class Collected:
    files: list[MailAttachment] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)


def _filename(part: Message, fallback: str) -> str:
    return (part.get_filename() or "").strip() or fallback


def _bytes(part: Message) -> bytes:
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _inner_message(part: Message) -> Message | None:
    """The message a message/rfc822 part (or an .eml attachment) carries."""
    if part.get_content_type() == "message/rfc822":
        payload = part.get_payload()
        encoding = (part.get("Content-Transfer-Encoding") or "").strip().lower()
        if encoding in ("base64", "quoted-printable"):
            # RFC 2046 forbids encoding a message/rfc822 part, but some clients (and Python's own
            # add_attachment) do; the parser then takes the encoded text for a message body.
            text = payload[0].as_string() if isinstance(payload, list) and payload else str(payload)
            raw = text.encode("ascii", "ignore")
            data = base64.b64decode(raw) if encoding == "base64" else quopri.decodestring(raw)
            return email.message_from_bytes(data, policy=policy.default)
        if isinstance(payload, list) and payload and isinstance(payload[0], Message):
            return payload[0]
    data = _bytes(part)
    if not data:
        return None
    return email.message_from_bytes(data, policy=policy.default)


def _is_forwarded(part: Message) -> bool:
    return part.get_content_type() == "message/rfc822" or _filename(part, "").lower().endswith(".eml")


def _small_image(data: bytes) -> str:
    """Why an inline image is a logo or signature image rather than a document ("" when it is not)."""
    if len(data) < settings.ENVOICE_INBOUND_MIN_INLINE_IMAGE_BYTES:
        return f"inline image under {settings.ENVOICE_INBOUND_MIN_INLINE_IMAGE_BYTES // 1024} KB (a logo or signature)"
    try:
        with Image.open(io.BytesIO(data)) as image:
            longest = max(image.size)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return ""  # intake judges it
    if longest < settings.ENVOICE_INBOUND_MIN_INLINE_IMAGE_PX:
        return f"inline image only {longest} px wide (a logo or signature)"
    return ""


def message_text(message: Message) -> tuple[str, str]:
    """The (text, html) bodies of a message, without descending into forwarded ones."""
    text = html = ""
    for part in _leaves(message, related=False):
        leaf, _related = part
        if leaf.get_content_disposition() == "attachment" or leaf.get_filename():
            continue
        if leaf.get_content_type() == "text/plain" and not text:
            text = (
                leaf.get_content()
                if isinstance(leaf, EmailMessage)
                else _bytes(leaf).decode(errors="replace")
            )
        elif leaf.get_content_type() == "text/html" and not html:
            html = (
                leaf.get_content()
                if isinstance(leaf, EmailMessage)
                else _bytes(leaf).decode(errors="replace")
            )
    return text, html


def _leaves(message: Message, *, related: bool):
    """(part, inside multipart/related) for every non-multipart part; forwarded messages whole."""
    if message.get_content_maintype() == "multipart":
        inside = related or message.get_content_subtype() == "related"
        for sub in message.get_payload():
            if isinstance(sub, Message):
                yield from _leaves(sub, related=inside)
        return
    yield message, related


def _forwarded_as_pdf(inner: Message) -> bytes:
    """A forwarded message with no file of its own (a receipt e-mail), as the PDF of its text."""
    text, html = message_text(inner)
    body = (text or "").strip() or (html_to_text(html) if html else "")
    if not body:
        return b""
    names = ("From", "To", "Date", "Subject")
    header = "".join(f"{name}: {inner.get(name)}\n" for name in names if inner.get(name))
    return text_to_pdf(f"{header}\n{body}", title=str(inner.get("Subject") or "Forwarded e-mail"))


def collect(message: Message, *, depth: int = 0) -> Collected:
    """Every file in `message` (see the module's docstring), with what was left out and why."""
    found = Collected()
    for part, related in _leaves(message, related=False):
        if _is_forwarded(part):
            name = _filename(part, "forwarded.eml")
            if depth + 1 > settings.ENVOICE_INBOUND_MAX_MESSAGE_DEPTH:
                found.skipped.append({"filename": name, "reason": "forwarded too many levels deep"})
                continue
            inner = _inner_message(part)
            if inner is None:
                found.skipped.append({"filename": name, "reason": "an empty forwarded message"})
                continue
            nested = collect(inner, depth=depth + 1)
            found.skipped += nested.skipped
            if nested.files:
                found.files += nested.files
            elif pdf := _forwarded_as_pdf(inner):
                stem = (
                    slugify(str(inner.get("Subject") or "")) or slugify(name.removesuffix(".eml")) or "e-mail"
                )
                found.files.append(MailAttachment(f"{stem[:80]}.pdf", pdf, "application/pdf", "forwarded"))
            else:
                found.skipped.append({"filename": name, "reason": "a forwarded message with nothing in it"})
            continue
        disposition = part.get_content_disposition()
        content_type = part.get_content_type()
        is_body = content_type in ("text/plain", "text/html") and disposition != "attachment"
        if is_body and not part.get_filename():
            continue
        data = _bytes(part)
        inline = part.get_content_maintype() == "image" and (
            disposition == "inline" or (disposition is None and (related or part.get("Content-ID")))
        )
        kind = "inline" if inline else ("forwarded" if depth else "attachment")
        name = _filename(part, f"inline-image.{part.get_content_subtype()}" if inline else "attachment")
        if inline and (why := _small_image(data)):
            found.skipped.append({"filename": name, "reason": why})
            continue
        if not data:
            found.skipped.append({"filename": name, "reason": "an empty file"})
            continue
        found.files.append(MailAttachment(name, data, content_type, kind))
    return found
