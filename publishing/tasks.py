"""Celery tasks of the publishing queue (routed by name: publishing.tasks.publish_* → "publishing").

Thin: the services decide; tasks only turn an Outcome into a Celery retry. Every task takes ids and may
run any number of times (redelivery after a killed worker, the sweep, a duplicate message).
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from accounts.models import Company
from core import metrics
from publishing import services
from scoro_sync.errors import ScoroRateLimited, ScoroUnavailable
from scoro_sync.models import ScoroConnection

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=None, acks_late=True)
def publish_attempt(self, attempt_id: int) -> str:
    """Publish one PublishAttempt (a document's bill/expense or an expense report's expense)."""
    max_retries = int(settings.PUBLISHING_MAX_RETRIES)
    outcome = services.attempt_run(
        attempt_id=attempt_id, retries=self.request.retries, final=self.request.retries >= max_retries
    )
    if outcome.status == "retry":
        metrics.PUBLISH_OUTCOMES.inc(outcome="retry")
        raise self.retry(countdown=outcome.countdown)
    return outcome.status


@shared_task
def publish_sweep() -> int:
    """Periodic: re-enqueue attempts stuck in queued/publishing (broker was down, worker was killed)."""
    return services.publish_sweep()


@shared_task
def publish_reconcile_all() -> int:
    """Daily: compare every connected company's published documents with Scoro and flag drift."""

    companies = Company.objects.filter(
        pk__in=ScoroConnection.objects.filter(state=ScoroConnection.State.CONNECTED).values("company_id")
    )
    for company in companies:
        publish_reconcile.delay(company.pk)
    return len(companies)


@shared_task(bind=True, max_retries=3, acks_late=True)
def publish_reconcile(self, company_id: int) -> dict:

    company = Company.objects.get(pk=company_id)
    try:
        return services.reconcile_published(company=company)
    except (ScoroRateLimited, ScoroUnavailable) as exc:
        raise self.retry(countdown=services.retry_countdown(self.request.retries), exc=exc) from exc
