"""Benchmark the Scoro background-data sync against a large sandbox.

    DATABASE_URL=postgres://… python benchmarks/scoro_sync.py [--contacts 5000] [--projects 2000] [--products 1000] [--keep]

Starts a Scoro sandbox (own thread, real HTTP, rate limits off) seeded with the given sizes, connects a
throw-away company through the real connect flow, and prints API calls and seconds for:
1. the full sync (every type listed page by page), and
2. an incremental sync after 10 changes in "Scoro" (contacts, projects, products changed/created/deleted).
Target: the incremental sync costs about one page per changed type plus the small catalogues — not a
number of calls proportional to the data size. The company is deleted at the end unless --keep is given.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "envoice.settings.production")
os.environ.setdefault("ENVOICE_MANIFEST_STATIC", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key")
# Production refuses to start on the demo's secrets (envoice/checks.py); benchmark-only ones.
os.environ.setdefault("MAILGUN_WEBHOOK_SIGNING_KEY", "benchmark-only-signing-key")
os.environ.setdefault("ENVOICE_FIELD_ENCRYPTION_KEYS", "0" * 43 + "=")

import django  # noqa: E402

django.setup()

from accounts.models import Company  # noqa: E402
from scoro_sandbox.server import start_in_thread  # noqa: E402
from scoro_sync.models import ScoroConnection, SyncRun  # noqa: E402
from scoro_sync.services import connection_activate  # noqa: E402
from scoro_sync.sync import SyncRunner  # noqa: E402


def timed_sync(company: Company, *, full: bool) -> tuple[SyncRun, float]:
    run = SyncRun.objects.create(company=company, types=[], trigger="manual")
    t0 = time.perf_counter()
    SyncRunner(run=run).execute(full=full)
    return run, time.perf_counter() - t0


def describe(label: str, run: SyncRun, seconds: float, by_endpoint: dict[str, int]) -> None:
    print(f"\n{label}: {run.api_calls} API calls in {seconds:.2f} s ({run.kind})")
    for endpoint, calls in sorted(by_endpoint.items()):
        print(f"  {endpoint:24} {calls:5d} calls")
    for name, counts in run.counts.items():
        print(
            f"  {name:12} created {counts['created']:5d}  updated {counts['updated']:5d}  deactivated {counts['deactivated']:5d}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--contacts", type=int, default=5000)
    parser.add_argument("--projects", type=int, default=2000)
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark company")
    args = parser.parse_args()

    t0 = time.perf_counter()
    sandbox = start_in_thread(contacts=args.contacts, projects=args.projects, products=args.products)
    print(f"Sandbox on {sandbox.base_url} seeded in {time.perf_counter() - t0:.2f} s: "
          + ", ".join(f"{k}={v}" for k, v in sandbox.store.counts().items() if v))  # fmt: skip
    company = Company.objects.create(name=f"Scoro benchmark {uuid.uuid4().hex[:6]}")
    try:
        ScoroConnection.objects.create(company=company, daily_call_budget=1_000_000)
        users = connection_activate(
            company=company, base_url=sandbox.base_url, api_key=sandbox.api_key,
            company_account_id=sandbox.company_account_id, actor=None,
        )  # fmt: skip
        ScoroConnection.objects.filter(company=company).update(
            state=ScoroConnection.State.CONNECTED, owner_scoro_user_id=users[0]["id"]
        )

        sandbox.state.calls.clear()
        run, seconds = timed_sync(company, full=True)
        describe("Full sync", run, seconds, sandbox.calls()["by_endpoint"])

        # Ten changes made "in Scoro".
        for contact_id in (10, 200, 3000):
            sandbox.modify("contacts", contact_id, {"name": f"Changed contact {contact_id} OÜ"})
        sandbox.modify("contacts", 4000, {}, delete=True)
        sandbox.modify("contacts", None, {"name": "Brand new supplier OÜ", "is_supplier": True})
        sandbox.modify("projects", 2, {"status": "completed"})
        sandbox.modify("projects", 1500, {"project_name": "Renamed project"})
        sandbox.modify("projects", None, {"project_name": "New project", "status": "inprogress"})
        sandbox.modify("products", 7, {"name": "Renamed product"})
        sandbox.modify("products", 900, {"is_active": False})

        sandbox.state.calls.clear()
        run, seconds = timed_sync(company, full=False)
        describe("Incremental sync after 10 changes", run, seconds, sandbox.calls()["by_endpoint"])
        small = {"users/list", "financeAccounts/list", "financeObjects/list", "vatCodes/list"}
        incremental_calls = sum(v for k, v in sandbox.calls()["by_endpoint"].items() if k not in small)
        print(f"\n  calls for the incremental types (contacts, projects, products): {incremental_calls} "
              f"(target ≈ 3: one page per changed type)")  # fmt: skip
    finally:
        sandbox.stop()
        if not args.keep:
            from bookkeeping.models import Dimension

            Dimension.objects.filter(company=company).delete()
            company.delete()


if __name__ == "__main__":
    main()
