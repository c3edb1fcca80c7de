"""Event metrics that every process adds to: counters and histograms kept in Redis.

Web processes and the Celery workers of every queue (on any host) add to the same numbers; whichever web
process answers /metrics reads them back (`EventCollector`, used by `monitoring`). Writes are one pipelined
Redis round trip and never fail the work they measure: when Redis does not answer, observations are dropped
for a few seconds and the work goes on.

Without a Redis URL (the embedded demo) each process keeps its own numbers in memory, so /metrics shows
only what the web process itself saw.

Label values must come from small, fixed sets (statuses, queue names, Scoro modules): each combination
is a field of a Redis hash and a time series in Prometheus.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import redis
from django.conf import settings
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily, Metric

log = logging.getLogger(__name__)

KEY_PREFIX = "envoice:metrics:"
# After Redis failed, skip observations this long instead of waiting for a timeout on every one.
PAUSE_AFTER_ERROR_SECONDS = 10.0


# ------------------------------------------------------------------------------------------- stores
class RedisStore:
    def __init__(self, url: str):
        self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._paused_until = 0.0

    def add(self, key: str, increments: dict[str, float]) -> None:
        if time.monotonic() < self._paused_until:
            return
        try:
            pipe = self.client.pipeline(transaction=False)
            for name, amount in increments.items():
                pipe.hincrbyfloat(key, name, amount)
            pipe.execute()
        except redis.RedisError as exc:
            self._paused_until = time.monotonic() + PAUSE_AFTER_ERROR_SECONDS
            log.warning("Metrics not recorded for %.0f s (Redis: %s)", PAUSE_AFTER_ERROR_SECONDS, exc)

    def read(self, keys: list[str]) -> list[dict[str, float]]:
        pipe = self.client.pipeline(transaction=False)
        for key in keys:
            pipe.hgetall(key)
        return [{k.decode(): float(v) for k, v in raw.items()} for raw in pipe.execute()]

    def clear(self, keys: list[str]) -> None:
        self.client.delete(*keys)


class MemoryStore:
    def __init__(self):
        self._data: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self._lock = threading.Lock()

    def add(self, key: str, increments: dict[str, float]) -> None:
        with self._lock:
            for name, amount in increments.items():
                self._data[key][name] += amount

    def read(self, keys: list[str]) -> list[dict[str, float]]:
        with self._lock:
            return [dict(self._data.get(key, {})) for key in keys]

    def clear(self, keys: list[str]) -> None:
        with self._lock:
            for key in keys:
                self._data.pop(key, None)


_store: RedisStore | MemoryStore | None = None
_store_lock = threading.Lock()


def store() -> RedisStore | MemoryStore:
    global _store
    if _store is None:
        with _store_lock:
            if _store is None:
                url = settings.ENVOICE_METRICS_REDIS_URL
                _store = RedisStore(url) if url else MemoryStore()
    return _store


# ----------------------------------------------------------------------------------------- families
def _field(labels: tuple[str, ...], values: dict[str, str]) -> str:
    if set(values) != set(labels):
        raise ValueError(f"expected labels {labels}, got {sorted(values)}")
    return json.dumps([str(values[name]) for name in labels])


@dataclass(frozen=True)
class Counter:
    name: str  # without the _total suffix, as prometheus_client wants it
    documentation: str
    labels: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return KEY_PREFIX + self.name

    def inc(self, amount: float = 1, **labels: str) -> None:
        store().add(self.key, {_field(self.labels, labels): amount})

    def family(self, raw: dict[str, float]) -> Metric:
        family = CounterMetricFamily(self.name, self.documentation, labels=self.labels)
        for key, value in sorted(raw.items()):
            family.add_metric(json.loads(key), value)
        return family


@dataclass(frozen=True)
class Histogram:
    name: str
    documentation: str
    labels: tuple[str, ...] = ()
    buckets: tuple[float, ...] = field(default=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300))

    @property
    def key(self) -> str:
        return KEY_PREFIX + self.name

    def observe(self, value: float, **labels: str) -> None:
        # Only the first bucket the value fits in is counted; the read makes them cumulative.
        bucket = next((b for b in self.buckets if value <= b), float("inf"))
        prefix = _field(self.labels, labels)
        store().add(self.key, {f"{prefix}|count": 1, f"{prefix}|sum": value, f"{prefix}|le|{bucket}": 1})

    def family(self, raw: dict[str, float]) -> Metric:
        series: dict[str, dict[str, float]] = defaultdict(dict)
        for key, value in raw.items():
            prefix, _, part = key.partition("|")
            series[prefix][part] = value
        family = HistogramMetricFamily(self.name, self.documentation, labels=self.labels)
        for prefix, parts in sorted(series.items()):
            running, buckets = 0.0, []
            for bound in (*self.buckets, float("inf")):
                running += parts.get(f"le|{bound}", 0.0)
                buckets.append(("+Inf" if bound == float("inf") else str(bound), running))
            family.add_metric(json.loads(prefix), buckets, sum_value=parts.get("sum", 0.0))
        return family


REGISTRY: list[Counter | Histogram] = []


def _register(metric):
    REGISTRY.append(metric)
    return metric


# What the product measures. Recorded where the work happens (extraction.services, publishing.tasks,
# scoro_sync.services, scoro_sync.sync); read by monitoring.collectors.
EXTRACTION_SECONDS = _register(
    Histogram(
        "envoice_extraction_seconds",
        "Time the extraction engine took per document, by how the document was read "
        "(einvoice_xml, einvoice_pdf, pdf_text, ocr, or error)",
        labels=("category",),
    )
)
PUBLISH_OUTCOMES = _register(
    Counter(
        "envoice_publish_runs",
        "Publishing worker runs by outcome (published, failed, retrying = waiting to retry automatically, "
        "retry = the task retries soon, other = nothing to do)",
        labels=("outcome",),
    )
)
SCORO_CALLS = _register(
    Counter(
        "envoice_scoro_calls",
        "HTTP calls sent to Scoro by module and answer (HTTP status, or error when no answer came)",
        labels=("module", "status"),
    )
)
SCORO_RATE_LIMITED = _register(
    Counter(
        "envoice_scoro_rate_limited", "Scoro answers 429 (burst window or daily quota)", labels=("module",)
    )
)
SYNC_SECONDS = _register(
    Histogram(
        "envoice_scoro_sync_seconds",
        "Duration of finished Scoro background-data syncs by result",
        labels=("status",),
        buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1200),
    )
)


class EventCollector:
    """A prometheus_client collector that reads every registered event metric in one round trip."""

    def __init__(self, metrics: Iterable[Counter | Histogram] = REGISTRY):
        self.metrics = list(metrics)

    def collect(self) -> Iterator[Metric]:
        for metric, raw in zip(self.metrics, store().read([m.key for m in self.metrics]), strict=True):
            yield metric.family(raw)


def clear_all() -> None:
    """Forget every recorded event (tests start from zero)."""
    store().clear([m.key for m in REGISTRY])
