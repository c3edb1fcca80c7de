"""429, 5xx and timeouts at the sync level; the per-company lock; the daily budget."""

from __future__ import annotations

from django.core.cache import cache

from bookkeeping.models import Contact
from scoro_sync.models import ScoroConnection, SyncRun
from scoro_sync.services import sync_start
from scoro_sync.tasks import sync_company, sync_due_companies, sync_lock_key


def start(company, capture, **kwargs) -> SyncRun:
    with capture(execute=True):
        run = sync_start(company=company, **kwargs)
    run.refresh_from_db()
    return run


def test_429_is_waited_out_and_counted(connected, company, sandbox, django_capture_on_commit_callbacks):
    sandbox.add_fault("429", count=1, module="contacts", retry_after=1)
    sandbox.modify("contacts", 4, {"name": "After 429 OÜ"})
    run = start(company, django_capture_on_commit_callbacks)
    assert run.status == SyncRun.Status.SUCCEEDED
    assert Contact.objects.for_company(company).get(scoro_id=4).name == "After 429 OÜ"
    assert run.api_calls == 8  # 7 lists + the one retried after the 429


def test_5xx_retried_by_the_client(connected, company, sandbox, django_capture_on_commit_callbacks):
    sandbox.add_fault("500", count=2, module="projects")
    sandbox.add_fault("503", count=1, module="vatCodes")
    run = start(company, django_capture_on_commit_callbacks)
    assert run.status == SyncRun.Status.SUCCEEDED and run.api_calls == 10


def test_lasting_outage_retries_the_task_then_fails_the_run(
    connected, eager_retries, company, sandbox, settings, django_capture_on_commit_callbacks
):
    settings.SCORO_MAX_RETRIES = 1
    sandbox.add_fault("500", count=1000, module="products")
    sandbox.state.calls.clear()
    run = start(company, django_capture_on_commit_callbacks, types=["products"])
    assert run.status == SyncRun.Status.FAILED and run.finished_at
    assert "Internal server error" in run.errors[-1]["error"]
    # the task retried (eagerly, here) 5 times, each with the client's own retry
    assert sandbox.calls()["by_endpoint"]["products/list"] == 12


def test_outage_then_recovery_within_task_retries(
    connected, eager_retries, company, sandbox, settings, django_capture_on_commit_callbacks
):
    settings.SCORO_MAX_RETRIES = 0
    sandbox.add_fault("500", count=2, module="contacts")
    sandbox.modify("contacts", 7, {"name": "Recovered OÜ"})
    run = start(company, django_capture_on_commit_callbacks)
    assert run.status == SyncRun.Status.SUCCEEDED
    assert len(run.errors) == 2  # both failed attempts are on record
    assert Contact.objects.for_company(company).get(scoro_id=7).name == "Recovered OÜ"


def test_timeout_is_retried(connected, company, sandbox, settings, django_capture_on_commit_callbacks):
    settings.SCORO_TIMEOUT_SECONDS = 0.3
    sandbox.add_fault("delay", count=1, module="financeAccounts", seconds=1.0)
    run = start(company, django_capture_on_commit_callbacks, types=["accounts"])
    assert run.status == SyncRun.Status.SUCCEEDED and run.api_calls == 2


def test_daily_budget_stops_the_sync_without_retrying(
    connected, company, sandbox, django_capture_on_commit_callbacks
):
    ScoroConnection.objects.filter(company=company).update(daily_call_budget=1)
    sandbox.state.calls.clear()
    run = start(company, django_capture_on_commit_callbacks)
    assert run.status == SyncRun.Status.FAILED and "budget" in run.progress
    assert sandbox.calls()["total"] == 0


def test_lock_keeps_two_syncs_apart(
    connected, eager_retries, company, sandbox, django_capture_on_commit_callbacks
):
    cache.add(sync_lock_key(company.pk), "someone-else", 60)
    sandbox.state.calls.clear()
    run = start(company, django_capture_on_commit_callbacks)
    assert run.status == SyncRun.Status.FAILED and "Another Scoro sync" in run.progress
    assert sandbox.calls()["total"] == 0


def test_a_running_run_is_reused_not_duplicated(connected, company):
    first = sync_start(company=company)
    second = sync_start(company=company, types=["contacts"])
    assert first.pk == second.pk


def test_duplicate_delivery_of_a_finished_run_does_nothing(connected, company, sandbox):
    run = SyncRun.objects.for_company(company).get()
    sandbox.state.calls.clear()
    assert sync_company.apply(args=[company.pk], kwargs={"run_id": run.pk}).get() == "already finished"
    assert sandbox.calls()["total"] == 0


def test_due_companies(connected, company, other_company, sandbox, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    assert sync_due_companies.apply().get() == 0  # synced just now
    day_ago = timezone.now() - timedelta(hours=25)
    ScoroConnection.objects.filter(company=company).update(last_sync_at=day_ago)
    SyncRun.objects.filter(company=company).update(started_at=day_ago)
    with django_capture_on_commit_callbacks(execute=True):
        assert sync_due_companies.apply().get() == 1
    assert SyncRun.objects.for_company(company).filter(trigger="schedule", status="succeeded").count() == 1
    ScoroConnection.objects.filter(company=company).update(last_sync_at=day_ago, auto_sync=False)
    SyncRun.objects.filter(company=company).update(started_at=day_ago)
    assert sync_due_companies.apply().get() == 0  # Auto Sync off
