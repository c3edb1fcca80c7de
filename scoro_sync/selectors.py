from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.db.models import Sum

from accounts.models import Company
from scoro_sync.models import ApiCallCount, ScoroConnection, SyncRun


def scoro_today() -> date:
    """Scoro's daily quota resets at midnight UTC, so our per-day counts use the UTC date too."""
    return datetime.now(UTC).date()


def connection_for(*, company: Company) -> ScoroConnection | None:
    return ScoroConnection.objects.for_company(company).first()


def scoro_health() -> str:
    """ "ok" when at least one company is connected to Scoro, else "not connected"."""
    connected = ScoroConnection.objects.filter(state=ScoroConnection.State.CONNECTED).exists()
    return "ok" if connected else "not connected"


def api_calls_used(*, company: Company) -> dict[str, int]:
    """Scoro API calls today (UTC, Scoro's quota day) and in the last 30 days."""
    today = scoro_today()
    rows = ApiCallCount.objects.for_company(company)
    return {
        "today": rows.filter(day=today).aggregate(n=Sum("calls"))["n"] or 0,
        "last_30_days": rows.filter(day__gt=today - timedelta(days=30)).aggregate(n=Sum("calls"))["n"] or 0,
    }


def sync_runs_recent(*, company: Company, limit: int = 10):
    return SyncRun.objects.for_company(company).order_by("-started_at")[:limit]


def sync_run_latest(*, company: Company):
    return SyncRun.objects.for_company(company).order_by("-started_at").first()
