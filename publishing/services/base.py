"""Shared pieces of publishing: attempt states, the exceptions a run ends with, timing settings, enqueueing."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass

from django.conf import settings

from core.errors import ApplicationError
from documents.choices import DocumentStatus as S
from documents.choices import DocumentType, ExpenseReportStatus
from documents.models import Document, ExpenseReport
from publishing.models import PublishAttempt
from scoro_sync.models import ScoroConnection
from scoro_sync.selectors import connection_for as scoro_connection_for

logger = logging.getLogger(__name__)


A = PublishAttempt.Status
IN_FLIGHT = (A.QUEUED, A.PUBLISHING)
PUBLISHABLE_DOCUMENT_STATES = (S.READY, S.PUBLISH_FAILED, S.PUBLISHED)
PUBLISHABLE_REPORT_STATES = (
    ExpenseReportStatus.CONFIRMED,
    ExpenseReportStatus.PUBLISH_FAILED,
    ExpenseReportStatus.PUBLISHED,
)
WORKER = "publishing worker"


class PublishBlocked(ApplicationError):
    """Publishing cannot go on until a person changes something (coding, connection, Scoro data)."""


class LeaseLost(Exception):
    """Another run took over this attempt (ours expired): stop before sending anything more."""


@dataclass(frozen=True)
class Outcome:
    """What the task should do next: "done", or "retry" after `countdown` seconds."""

    status: str
    countdown: float = 0.0


# --------------------------------------------------------------------------------------------- settings
def lease_seconds() -> float:
    return float(settings.PUBLISHING_LEASE_SECONDS)


def retry_countdown(retries: int) -> float:
    """Exponential backoff with full jitter, capped."""
    base = float(settings.PUBLISHING_RETRY_BASE_SECONDS)
    cap = float(settings.PUBLISHING_RETRY_MAX_SECONDS)
    return random.uniform(0.5, 1.0) * min(cap, base * (2**retries))


def resume_delay(resumes: int) -> float:
    """How long a transient failure waits before its `resumes`-th automatic retry: doubling, capped, jittered."""
    base = float(settings.PUBLISHING_RESUME_BASE_SECONDS)
    cap = float(settings.PUBLISHING_RESUME_MAX_SECONDS)
    return random.uniform(0.8, 1.0) * min(cap, base * (2 ** min(resumes, 20)))


def connection_for(company) -> ScoroConnection | None:
    return scoro_connection_for(company=company)


def enqueue(attempt_id: int, *, countdown: float | None = None) -> None:
    """Hand the attempt to the publishing queue. A broker that is down is logged; the sweep retries it."""
    from publishing.tasks import publish_attempt  # the tasks module imports these services

    try:
        publish_attempt.apply_async((attempt_id,), countdown=countdown)
    except Exception:  # any broker failure: the periodic sweep picks the attempt up
        logger.exception("Could not enqueue publishing attempt %s; the sweep will retry it", attempt_id)


# --------------------------------------------------------------------------------------------- expense reports
def report_receipts(report: ExpenseReport) -> list[Document]:
    return list(
        report.documents.filter(type=DocumentType.RECEIPT)
        .select_related("supplier", "project", "finance_account", "tax_rate")
        .prefetch_related("dimensions__group")
        .order_by("issue_date", "id")
    )
