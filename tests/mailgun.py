"""Inbound-mail webhook payloads signed exactly as Mailgun signs them (HMAC-SHA256 of timestamp+token)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid


def signed_mailgun_fields(
    *,
    recipient: str,
    sender: str,
    subject: str,
    text: str,
    signing_key: str,
    attachment_count: int = 0,
    token: str | None = None,
    timestamp: int | str | None = None,
    signature: str | None = None,
    message_id_domain: str = "mail",
    headers: list[tuple[str, str]] = (),
) -> dict[str, str]:
    """The form fields of a Mailgun "store and notify" POST, without the attachment files."""
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    token = token or uuid.uuid4().hex * 2
    signature = (
        signature
        or hmac.new(signing_key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    )
    all_headers = [
        ["From", sender],
        ["To", recipient],
        ["Subject", subject],
        ["Message-Id", f"<{token[:12]}@{message_id_domain}>"],
        *[list(h) for h in headers],
    ]
    return {
        "recipient": recipient,
        "sender": sender.split("<")[-1].rstrip(">"),
        "from": sender,
        "subject": subject,
        "body-plain": text,
        "stripped-text": text,
        "message-headers": json.dumps(all_headers),
        "timestamp": timestamp,
        "token": token,
        "signature": signature,
        "attachment-count": str(attachment_count),
    }
