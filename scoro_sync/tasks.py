"""Celery tasks for Scoro background data. Thin: the work is in scoro_sync.sync and scoro_sync.contacts.

All tasks take ids, are idempotent (upserts by Scoro id; a contact push re-checks its state) and retry
with exponential backoff when Scoro is rate limiting or unavailable. A per-company lock keeps two
syncs from overlapping.
"""

from __future__ import annotations

import logging
import uuid
from contextlib import contextmanager
from datetime import timedelta

from celery import shared_task
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from bookkeeping.models import Contact
from core import metrics
from core.errors import ApplicationError
from scoro_sync.errors import ScoroBudgetExceeded, ScoroError, ScoroRateLimited, ScoroUnavailable
from scoro_sync.models import ScoroConnection, SyncRun
from scoro_sync.services import scoro_client_for, sync_start
from scoro_sync.state import SYNC_RUN_MACHINE

logger = logging.getLogger(__name__)

LOCK_SECONDS = 20 * 60  # longer than the task time limit: a killed worker's lock expires on its own
MAX_RETRIES = 5
SYNC_EVERY = timedelta(hours=24)


def _backoff(retries: int, error: ScoroError | None = None) -> int:
    wait = 30 * (2**retries)  # 30 s, 1 min, 2 min, 4 min, 8 min
    if isinstance(error, ScoroRateLimited) and error.retry_after:
        wait = max(wait, int(error.retry_after))
    return min(wait, 30 * 60)


def _retryable(error: Exception) -> bool:
    if isinstance(error, ScoroRateLimited):
        return not error.daily
    return isinstance(error, ScoroUnavailable) and error.retryable


@contextmanager
def _lock(key: str):
    token = uuid.uuid4().hex
    acquired = cache.add(key, token, LOCK_SECONDS)
    try:
        yield acquired
    finally:
        if acquired and cache.get(key) == token:
            cache.delete(key)


def sync_lock_key(company_id: int) -> str:
    return f"scoro-sync-lock:{company_id}"


def _fail_run(run_id: int, message: str) -> None:
    run = SyncRun.objects.filter(pk=run_id).first()
    if run is None or run.status != SyncRun.Status.RUNNING:
        return
    errors = run.errors
    if not errors or errors[-1].get("error") != message:
        errors = [*errors, {"at": timezone.now().isoformat(), "error": message}][-20:]
    finished_at = timezone.now()
    moved = SYNC_RUN_MACHINE.fire_many(  # nothing if it finished meanwhile
        SyncRun.objects.filter(pk=run_id),
        "fail",
        actor_label="Scoro sync",
        message=message[:500],
        also={"finished_at": finished_at, "progress": message[:200], "errors": errors},
    )
    if moved:
        seconds = (finished_at - run.started_at).total_seconds()
        metrics.SYNC_SECONDS.observe(seconds, status=SyncRun.Status.FAILED)


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True)
def sync_company(
    self,
    company_id: int,
    types: list[str] | None = None,
    trigger: str = "schedule",
    run_id: int | None = None,
    full: bool = False,
) -> str:
    """Pull Scoro background data for one company (all types, or `types`)."""
    from scoro_sync.sync import SyncCancelled, SyncRunner  # sync (through contacts) imports this module

    connection = ScoroConnection.objects.filter(company_id=company_id).select_related("company").first()
    if connection is None or not connection.is_connected:
        if run_id:
            _fail_run(run_id, "Scoro is not connected")
        return "not connected"
    if run_id is None:
        run = SyncRun.objects.create(company_id=company_id, types=list(types or []), trigger=trigger)
        run_id = run.pk
    run = SyncRun.objects.filter(pk=run_id, company_id=company_id).select_related("company").first()
    if run is None or run.status != SyncRun.Status.RUNNING:
        return "already finished"  # a duplicate delivery of a finished run: nothing to do
    retry_kwargs = {"types": types, "trigger": trigger, "run_id": run_id, "full": full}

    retry_in: int | None = None
    with _lock(sync_lock_key(company_id)) as acquired:
        if not acquired:
            if self.request.retries >= self.max_retries:
                _fail_run(run_id, "Another Scoro sync for this company kept running; try again later")
                return "locked"
            SyncRun.objects.filter(pk=run_id).update(progress="Waiting for another sync to finish…")
            retry_in = _backoff(self.request.retries)
        else:
            try:
                SyncRunner(run=run).execute(full=full)
            except SyncCancelled as exc:
                _fail_run(run_id, str(exc))
                return "cancelled"
            except ApplicationError as exc:  # not connected any more
                _fail_run(run_id, exc.message)
                return "not connected"
            except ScoroBudgetExceeded as exc:
                _fail_run(run_id, exc.message)
                return "budget"
            except ScoroError as exc:
                if not (_retryable(exc) and self.request.retries < self.max_retries):
                    _fail_run(run_id, str(exc))
                    logger.warning("Scoro sync %s for company %s failed: %s", run_id, company_id, exc)
                    return "failed"
                retry_in = _backoff(self.request.retries, exc)
                SyncRun.objects.filter(pk=run_id).update(
                    progress=f"Scoro is busy ({exc.message}); retrying in {retry_in} s"[:200]
                )
    if retry_in is not None:  # outside the lock, so the retry can take it
        raise self.retry(args=[company_id], kwargs=retry_kwargs, countdown=retry_in)
    return "ok"


@shared_task
def sync_due_companies() -> int:
    """Beat, every 30 minutes: start the daily sync of connected companies with Auto Sync on whose last
    successful sync is at least 24 hours old (and that have no run started in the last hour)."""
    now = timezone.now()
    due = ScoroConnection.objects.filter(state=ScoroConnection.State.CONNECTED, auto_sync=True).filter(
        Q(last_sync_at__isnull=True) | Q(last_sync_at__lte=now - SYNC_EVERY)
    )
    started = 0
    for connection in due.select_related("company"):
        recent = SyncRun.objects.filter(
            company_id=connection.company_id, started_at__gte=now - timedelta(hours=1)
        ).exists()
        if recent:
            continue
        try:
            sync_start(company=connection.company, trigger="schedule")
            started += 1
        except ApplicationError as exc:
            logger.info("Scheduled Scoro sync for company %s not started: %s", connection.company_id, exc)
    return started


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True)
def push_contact(self, contact_id: int) -> str:
    """Send a contact created or changed here to Scoro (create after matching, or update)."""
    from scoro_sync.contacts import contact_push  # contacts enqueue this task: it imports this module

    contact = Contact.objects.filter(pk=contact_id).select_related("company").first()
    if contact is None or contact.push_state not in (Contact.PushState.PENDING, Contact.PushState.FAILED):
        return "nothing to send"
    with _lock(f"scoro-contact-push:{contact_id}") as acquired:
        if not acquired:
            return "already being sent"
        try:
            client = scoro_client_for(company=contact.company)
        except ApplicationError:
            return "not connected"  # stays pending; the next sync after connecting sends it
        try:
            with client:
                contact_push(contact=contact, client=client)
        except ScoroError as exc:
            if _retryable(exc) and self.request.retries < self.max_retries:
                raise self.retry(countdown=_backoff(self.request.retries, exc)) from None
            Contact.objects.filter(pk=contact_id).update(push_error=str(exc)[:1000])
            logger.warning("Sending contact %s to Scoro failed: %s", contact_id, exc)
            return "failed"
    return "sent"
