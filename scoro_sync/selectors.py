from __future__ import annotations

from accounts.models import Company
from scoro_sync.models import ScoroConnection


def connection_for(*, company: Company) -> ScoroConnection | None:
    return ScoroConnection.objects.for_company(company).first()


def scoro_health() -> str:
    """ "ok" when at least one company is connected to Scoro, else "not connected"."""
    connected = ScoroConnection.objects.filter(state=ScoroConnection.State.CONNECTED).exists()
    return "ok" if connected else "not connected"
