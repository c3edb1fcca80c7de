"""The state half of /metrics: gauges read at scrape time from the database and the broker.

The event half (counters and histograms every process adds to) is core.metrics.EventCollector.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric

from monitoring import selectors


class StateCollector:
    def collect(self) -> Iterator[Metric]:
        documents = GaugeMetricFamily("envoice_documents", "Documents by status", labels=["status"])
        for status, count in selectors.document_counts_by_status().items():
            documents.add_metric([status], count)
        yield documents

        oldest = selectors.oldest_waiting_received_at()
        yield GaugeMetricFamily(
            "envoice_extraction_oldest_waiting_seconds",
            "How long the document that has waited longest for extraction has waited (0: none waits)",
            value=(timezone.now() - oldest).total_seconds() if oldest else 0.0,
        )

        attempts = GaugeMetricFamily(
            "envoice_publish_attempts",
            "Publish attempts (one per document or report) by status",
            labels=["status"],
        )
        for status, count in selectors.publish_attempt_counts_by_status().items():
            attempts.add_metric([status], count)
        yield attempts

        depths = selectors.queue_depths()
        yield GaugeMetricFamily(
            "envoice_broker_up",
            "1 when the Celery broker answered this scrape",
            value=int(depths is not None),
        )
        queues = GaugeMetricFamily(
            "envoice_queue_messages", "Messages waiting in each Celery queue", labels=["queue"]
        )
        for queue, count in (depths or {}).items():
            queues.add_metric([queue], count)
        yield queues
