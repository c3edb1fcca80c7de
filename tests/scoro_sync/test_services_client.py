"""scoro_client_for: a counted client built from the company's connection."""

import pytest

from core.errors import ApplicationError
from scoro_sync.errors import ScoroBudgetExceeded
from scoro_sync.models import ApiCallCount, ScoroConnection
from scoro_sync.services import api_call_count, scoro_client_for, scoro_today


def _connect(company, sandbox, **extra):
    conn = ScoroConnection(
        company=company,
        state=ScoroConnection.State.CONNECTED,
        base_url=sandbox.base_url,
        company_account_id=sandbox.company_account_id,
        **extra,
    )
    conn.set_api_key(sandbox.api_key)
    conn.save()
    return conn


def test_not_connected_raises_clear_error(company):
    with pytest.raises(ApplicationError, match="not connected to Scoro"):
        scoro_client_for(company=company)


def test_deactivated_counts_as_not_connected(company, sandbox):
    conn = _connect(company, sandbox)
    conn.state = ScoroConnection.State.DEACTIVATED
    conn.save()
    with pytest.raises(ApplicationError):
        scoro_client_for(company=company)


def test_every_call_is_counted_per_company_and_day(company, other_company, sandbox):
    _connect(company, sandbox)
    client = scoro_client_for(company=company)
    client.view("contacts", 1)
    list(client.list("vatCodes"))
    row = ApiCallCount.objects.get(company=company, day=scoro_today())
    assert row.calls == 2
    assert not ApiCallCount.objects.filter(company=other_company).exists()


def test_budget_stops_before_the_call_is_sent(company, sandbox):
    _connect(company, sandbox, daily_call_budget=2)
    client = scoro_client_for(company=company)
    client.view("contacts", 1)
    client.view("contacts", 2)
    before = sandbox.calls()["total"]
    with pytest.raises(ScoroBudgetExceeded, match="budget of 2"):
        client.view("contacts", 3)
    assert sandbox.calls()["total"] == before
    assert ApiCallCount.objects.get(company=company).calls == 2


def test_zero_budget_refuses_first_call(company):
    with pytest.raises(ScoroBudgetExceeded):
        api_call_count(company=company, budget=0)
