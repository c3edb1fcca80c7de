"""Fixtures for the Scoro connection/sync tests (engineer E): connect a company to the live sandbox
through the real flow. `connect()` is importable from tests.scoro_sync.conftest."""

from __future__ import annotations

import pytest

from scoro_sync.models import ScoroConnection, SyncRun
from scoro_sync.services import connection_activate, connection_finish


def connect(company, sandbox, actor, *, owner_user_id: int = 1, capture=None) -> SyncRun:
    """Activate + finish against the sandbox; the initial sync runs (eager Celery) on commit."""
    connection_activate(
        company=company,
        base_url=sandbox.base_url,
        api_key=sandbox.api_key,
        company_account_id=sandbox.company_account_id,
        actor=actor,
    )
    if capture is None:
        run = connection_finish(company=company, owner_user_id=owner_user_id, actor=actor)
    else:
        with capture(execute=True):
            run = connection_finish(company=company, owner_user_id=owner_user_id, actor=actor)
    run.refresh_from_db()
    return run


@pytest.fixture
def fast_retries(settings):
    """Client retries without real waiting (except the 1 s minimum the client keeps for a 429)."""
    settings.SCORO_RETRY_BACKOFF_SECONDS = 0.001
    return settings


@pytest.fixture
def connected(company, admin_user, sandbox, django_capture_on_commit_callbacks, fast_retries):
    """Demo OÜ connected to a fresh sandbox and fully synced once."""
    run = connect(company, sandbox, admin_user, capture=django_capture_on_commit_callbacks)
    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    return ScoroConnection.objects.get(company=company)


@pytest.fixture
def eager_retries(monkeypatch):
    """Let eager Celery run a task's retries (immediately) instead of propagating the Retry."""
    from envoice.celery import app

    monkeypatch.setitem(app.conf, "task_eager_propagates", False)
