"""Shared by the journey and the fault tests: bounded polling, signed inbound mail, sample documents."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import requests

from documents.intake import text_to_pdf
from tests.mailgun import signed_mailgun_fields

INBOUND_PATH = "/api/v1/inbound/mailgun/inbound/"

# Paid to the supplier's own account (the sandbox seed's): a new one would wait for a second admin.
INVOICE_TEXT = """Nordic Cloud Services Oy
Business ID 2345678-1   VAT FI23456781
Invoice no: PE-2025-0417
Invoice date: 03.03.2025
Due date: 17.03.2025

Description                         Qty      Price      Total
Cloud hosting, March                  1     100.00     100.00

Subtotal                                              100.00
VAT 22%                                                22.00
Total EUR                                             122.00
IBAN FI4440055010012345
"""

RECEIPT_TEXT = """Bolt Operations OÜ
Receipt no: BOLT-77812
Date: 05.03.2025

Ride Tallinn Airport - Old Town                       14.60

Total EUR                                              14.60
VAT 22% included                                        2.63
"""


def wait_for(predicate: Callable[[], Any], *, timeout: float = 30.0, interval: float = 0.2, what: str = "it"):
    """Poll `predicate` until it returns something truthy; fail after `timeout` seconds (never sleeps long)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def invoice_pdf(text: str = INVOICE_TEXT) -> bytes:
    return text_to_pdf(text)


def mailgun_forward(
    base_url: str,
    *,
    signing_key: str,
    recipient: str,
    attachments: list[tuple[str, bytes, str]],
    sender: str = "Nordic Cloud <billing@nordiccloud.example>",
    subject: str = "Fwd: Invoice PE-2025-0417",
    text: str = "Forwarded: the March invoice is attached.",
) -> requests.Response:
    """POST a payload to the inbound webhook signed exactly as Mailgun signs it (HMAC-SHA256 of timestamp+token)."""
    data = signed_mailgun_fields(
        recipient=recipient,
        sender=sender,
        subject=subject,
        text=text,
        signing_key=signing_key,
        attachment_count=len(attachments),
    )
    files = {
        f"attachment-{n}": (name, content, content_type)
        for n, (name, content, content_type) in enumerate(attachments, start=1)
    }
    return requests.post(base_url.rstrip("/") + INBOUND_PATH, data=data, files=files, timeout=30)
