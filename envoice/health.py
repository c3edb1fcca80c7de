"""Liveness of the pieces /healthz reports on.

A worker proves it is alive by writing a heartbeat into the shared cache from a thread started
when the worker is ready. This works on every broker, including the embedded SQLAlchemy transport
of the demo, which cannot answer Celery's broadcast `ping`.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from envoice.celery import app

HEARTBEAT_KEY = "envoice:worker-heartbeat"


def record_worker_heartbeat() -> None:
    cache.set(HEARTBEAT_KEY, time.time(), timeout=settings.WORKER_HEARTBEAT_SECONDS * 6)


def start_heartbeat_thread() -> None:
    def beat() -> None:
        while True:
            try:
                record_worker_heartbeat()
            except Exception:
                pass
            time.sleep(settings.WORKER_HEARTBEAT_SECONDS)

    threading.Thread(target=beat, name="envoice-heartbeat", daemon=True).start()


def check_database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def check_broker() -> bool:
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


def check_worker() -> bool:
    last = cache.get(HEARTBEAT_KEY)
    return last is not None and time.time() - float(last) < settings.WORKER_HEARTBEAT_SECONDS * 3
