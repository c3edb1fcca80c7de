"""Loaded only into Celery workers started by tests/worker_fixtures.py (`--include tests.worker_hooks`).

Transactional tests flush every table between tests, and the flush re-creates content types with new
ids; a long-lived worker would keep the old ids in ContentType's cache (audit events point at them).
"""

from celery import signals


@signals.task_prerun.connect
def _forget_flushed_content_types(**_kwargs) -> None:
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
