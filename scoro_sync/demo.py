"""Demo step: connect Demo OÜ to the Scoro sandbox (`make demo` sets SCORO_SANDBOX_URL) and sync it, so the
demo starts with Scoro's background data in place. Idempotent: an existing connection just syncs again."""

from __future__ import annotations

import logging

from django.conf import settings

from accounts.models import Company
from core.demo import register
from core.errors import ApplicationError
from scoro_sync.errors import ScoroError
from scoro_sync.models import SyncRun
from scoro_sync.selectors import connection_for
from scoro_sync.services import connection_activate, connection_finish
from scoro_sync.state import SYNC_RUN_MACHINE
from scoro_sync.sync import SyncRunner
from scoro_sync.tasks import _lock, sync_lock_key

log = logging.getLogger(__name__)

# The sandbox's defaults (python -m scoro_sandbox --api-key/--company-account-id).
SANDBOX_API_KEY = "sandbox-api-key"
SANDBOX_ACCOUNT_ID = "envoice-demo"
PREFERRED_OWNER = 1  # the sandbox's administrator user


@register("Scoro: connect to the sandbox and sync")
def connect_demo_company(company: Company) -> None:
    url = settings.SCORO_SANDBOX_URL
    if not url:
        log.info("demo: SCORO_SANDBOX_URL is empty; Demo OÜ is not connected to Scoro")
        return
    connection = connection_for(company=company)
    try:
        if connection is not None and connection.is_connected:
            run = SyncRun.objects.create(company=company, types=[], trigger="manual")
        else:
            users = connection_activate(
                company=company, base_url=url, api_key=SANDBOX_API_KEY,
                company_account_id=SANDBOX_ACCOUNT_ID, actor=None,
            )  # fmt: skip
            owner = next((u["id"] for u in users if u["id"] == PREFERRED_OWNER), users[0]["id"])
            run = connection_finish(company=company, owner_user_id=owner, actor=None)
        run.refresh_from_db()
        if run.status == SyncRun.Status.SUCCEEDED:
            return  # an eager worker already ran it
        # Run it here so the demo starts synced; a worker receiving the queued task later finds it finished.
        with _lock(sync_lock_key(company.pk)) as acquired:
            if acquired:
                if run.status == SyncRun.Status.FAILED:
                    SYNC_RUN_MACHINE.fire(run, "rerun", actor_label="demo", also={"finished_at": None})
                run.refresh_from_db()
                SyncRunner(run=run).execute(full=run.kind == "full")
        log.info("demo: Demo OÜ connected to the Scoro sandbox at %s and synced", url)
    except (ApplicationError, ScoroError) as exc:
        log.warning("demo: could not connect Demo OÜ to the Scoro sandbox at %s: %s", url, exc)
