"""Writes for the Scoro connection: building a counted client, the connect flow and the toggles.

Every Scoro call made for a company goes through `scoro_client_for` (or, before the connection is
finished, `_client_from_credentials`), so each call is counted in ApiCallCount and stops before the
company's daily budget is exceeded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from accounts.models import Company
from envoice.exceptions import ApplicationError
from scoro_sync.client import ScoroClient
from scoro_sync.errors import ScoroBudgetExceeded
from scoro_sync.models import ApiCallCount, ScoroConnection

logger = logging.getLogger(__name__)

CallObserver = Callable[[str, str], None]


def scoro_today() -> date:
    """Scoro's daily quota resets at midnight UTC, so our per-day counts use the UTC date too."""
    return datetime.now(UTC).date()


def api_call_count(*, company: Company, budget: int) -> None:
    """Count one Scoro call for `company` today; raise ScoroBudgetExceeded instead if it would exceed `budget`.

    Race-free without locks: the increment is a conditional UPDATE (calls < budget), and the first call
    of the day inserts the row (a concurrent insert loses on the unique constraint and retries the update).
    """
    day = scoro_today()
    for _attempt in range(2):
        updated = ApiCallCount.objects.filter(company=company, day=day, calls__lt=budget).update(
            calls=F("calls") + 1
        )
        if updated:
            return
        if ApiCallCount.objects.filter(company=company, day=day).exists():
            break  # the row exists and is at the budget
        if budget <= 0:
            break
        try:
            with transaction.atomic():
                ApiCallCount.objects.create(company=company, day=day, calls=1)
            return
        except IntegrityError:
            continue  # another worker created today's row first: increment it instead
    raise ScoroBudgetExceeded(
        f"The daily budget of {budget} Scoro API calls for {company.name} is used up; "
        "synchronisation continues tomorrow (UTC).",
    )


def _timeout() -> tuple[float, float]:
    read = float(settings.SCORO_TIMEOUT_SECONDS)
    return (min(5.0, read), read)


def _client_from_credentials(
    *,
    company: Company,
    base_url: str,
    api_key: str,
    company_account_id: str,
    budget: int,
    observer: CallObserver | None = None,
    max_retries: int = 5,
) -> ScoroClient:
    def on_call(module: str, action: str) -> None:
        api_call_count(company=company, budget=budget)
        if observer is not None:
            observer(module, action)

    return ScoroClient(
        base_url,
        api_key,
        company_account_id,
        timeout=_timeout(),
        max_retries=max_retries,
        on_call=on_call,
    )


def scoro_client_for(
    *,
    company: Company,
    connection: ScoroConnection | None = None,
    observer: CallObserver | None = None,
    max_retries: int = 5,
) -> ScoroClient:
    """A ScoroClient for the company's connection; every call is counted against the daily budget.

    Raises ApplicationError when the company is not connected to Scoro (deactivated counts as not
    connected: deactivation stops all communication). The budget check raises the client's
    ScoroBudgetExceeded before a call is sent. `observer(module, action)` is told about each call
    (sync runs use it to count their own calls).
    """
    if connection is None:
        connection = ScoroConnection.objects.for_company(company).first()
    if connection is None or not connection.is_connected:
        raise ApplicationError(
            f"{company.name} is not connected to Scoro. An admin can connect it under "
            "Settings › Integrations › Scoro."
        )
    return _client_from_credentials(
        company=company,
        base_url=connection.base_url,
        api_key=connection.get_api_key(),
        company_account_id=connection.company_account_id,
        budget=connection.daily_call_budget,
        observer=observer,
        max_retries=max_retries,
    )
