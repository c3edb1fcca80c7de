"""The reply to a forwarded message (inbound/replies.py). Takes an id; idempotent under re-delivery."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

from inbound.replies import reply_send


@shared_task(autoretry_for=(OSError, SMTPException), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def send_inbound_reply(message_id: int) -> bool:
    return reply_send(message_id=message_id)
