"""Reads for /metrics: how much work is where, right now (from the database and the broker)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Min

from documents.choices import DocumentStatus
from documents.models import Document
from envoice.celery import app
from publishing.models import PublishAttempt


def document_counts_by_status() -> dict[str, int]:
    """Every status, zero included, so a series never disappears while it is empty."""
    counts = dict.fromkeys(DocumentStatus.values, 0)
    for row in Document.objects.order_by().values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


def oldest_waiting_received_at() -> datetime | None:
    """When the document that has waited longest for extraction arrived (None: nothing waits)."""
    return (
        Document.objects.filter(status=DocumentStatus.RECEIVED)
        .order_by()
        .aggregate(oldest=Min("received_at"))["oldest"]
    )


def publish_attempt_counts_by_status() -> dict[str, int]:
    counts = dict.fromkeys(PublishAttempt.Status.values, 0)
    for row in PublishAttempt.objects.order_by().values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


def queue_names() -> list[str]:
    queues = app.conf.task_queues
    names = [q.name for q in queues] if queues else [app.conf.task_default_queue]
    return sorted(set(names))


def queue_depths() -> dict[str, int] | None:
    """Messages waiting in each Celery queue (not counting those a worker holds); None: broker down."""
    depths: dict[str, int] = {}
    try:
        with app.connection_for_read() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            channel = conn.default_channel
            for name in queue_names():
                try:
                    depths[name] = channel.queue_declare(queue=name, passive=True).message_count
                except conn.channel_errors:
                    depths[name] = 0  # never declared or drained to nothing: Redis has no such key
    except Exception:  # any broker failure means the same to a scrape: no depths this time
        return None
    return depths
