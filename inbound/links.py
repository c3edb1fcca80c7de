"""Invoice links in the body of a message ("Download your invoice"), fetched only for trusted senders.

A link is an invoice link when its path ends in .pdf or .xml, or (in HTML) its text names an invoice
or a download. It is fetched only when the sender is on the company's link allow-list
(`InboundSettings.link_senders`, one address or @domain per line; empty fetches nothing), and then
only through `core.netguard.fetch_public`: https to a public address, a time and size limit, and a
PDF or XML answer. Anything else is never fetched — an arbitrary URL in a mail would otherwise make
our server call wherever a stranger points it — and the reply says which links were left alone.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.conf import settings

from accounts.models import Company
from core.netguard import FetchRefused, fetch_public
from inbound.addressing import any_matches, split_entries
from inbound.mime import MailAttachment
from inbound.selectors import inbound_settings_for

log = logging.getLogger(__name__)

INVOICE_TYPES = frozenset({"application/pdf", "application/xml", "text/xml"})
URL = re.compile(r"https?://[^\s<>\"'()\[\]]+", re.I)
INVOICE_WORDS = re.compile(r"invoice|bill|receipt|download|arve|rechnung|facture|faktura|lasku", re.I)


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href = dict(attrs).get("href") or None
            self._text = []

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((self._href.strip(), " ".join(self._text)))
            self._href = None


def _looks_like_invoice(url: str, text: str = "") -> bool:
    path = urlsplit(url).path.lower()
    return path.endswith((".pdf", ".xml")) or bool(text and INVOICE_WORDS.search(text))


def invoice_links(*, text: str, html: str) -> list[str]:
    """The invoice links of a message's bodies, in order, each once."""
    found: list[str] = []
    if html:
        parser = _Anchors()
        try:
            parser.feed(html)
        except (AssertionError, ValueError):  # broken markup: keep what was read
            pass
        found += [
            href for href, label in parser.links if URL.fullmatch(href) and _looks_like_invoice(href, label)
        ]
    found += [u for url in URL.findall(text or "") if _looks_like_invoice(u := url.rstrip(".,;:!?"))]
    return list(dict.fromkeys(found))[:50]


def link_sender_allowed(company: Company, sender: str) -> bool:
    entries = split_entries(inbound_settings_for(company).link_senders)
    return bool(entries) and any_matches(entries, sender)


@dataclass
class Fetched:
    files: list[MailAttachment] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def fetch_invoice_links(*, company: Company, sender: str, text: str, html: str) -> Fetched:
    """The invoices the message links to, when its sender may have links fetched (else a note)."""
    result = Fetched()
    links = invoice_links(text=text, html=html)
    if not links:
        return result
    if not link_sender_allowed(company, sender):
        result.notes.append(
            f"{len(links)} link{'s' if len(links) != 1 else ''} in the message "
            f"{'were' if len(links) != 1 else 'was'} not fetched: links are fetched only for senders on "
            "the company's link allow-list. Attach the invoice instead."
        )
        return result
    limit = settings.ENVOICE_INBOUND_MAX_LINKS
    # One time budget for all links of a message: the webhook answers the provider only after them.
    deadline = time.monotonic() + settings.ENVOICE_INBOUND_LINK_TIMEOUT_SECONDS
    for url in links[:limit]:
        remaining = deadline - time.monotonic()
        if remaining <= 0.5:
            result.skipped.append({"filename": url[:200], "reason": "link not fetched: no time left"})
            continue
        try:
            fetched = fetch_public(
                url,
                max_bytes=settings.ENVOICE_MAX_UPLOAD_BYTES,
                timeout=remaining,
                content_types=INVOICE_TYPES,
                allow_loopback=settings.ENVOICE_INBOUND_LINKS_ALLOW_LOOPBACK,
            )
        except FetchRefused as refused:
            log.info("Invoice link %s from %s not fetched: %s", url[:200], sender, refused)
            result.skipped.append({"filename": url[:200], "reason": f"link not fetched: {refused}"})
            continue
        name = fetched.filename
        if not name.lower().endswith((".pdf", ".xml")):
            name += ".pdf" if fetched.content_type == "application/pdf" else ".xml"
        result.files.append(MailAttachment(name, fetched.content, fetched.content_type, "link"))
    if len(links) > limit:
        result.notes.append(
            f"Only the first {limit} links were fetched; {len(links) - limit} were left alone."
        )
    return result
