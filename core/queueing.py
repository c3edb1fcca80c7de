"""Queueing Celery tasks from services."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


def delay_tolerantly(task: Any, *args: Any) -> bool:
    """Queue `task`; with the broker down, log and return False (a sweep queues the work later)."""
    try:
        task.delay(*args)
    except Exception as exc:  # kombu OperationalError, redis ConnectionError, ...
        log.warning("Could not queue %s%s (%s); the sweep will pick it up.", task.name, args, exc)
        return False
    return True
