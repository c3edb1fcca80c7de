"""/api/v1/integrations/scoro/…: the connect flow over the API, admin only, key never returned."""

from __future__ import annotations

import json

import pytest

from bookkeeping.models import Contact
from scoro_sync.models import ScoroConnection, SyncRun

BASE = "/api/v1/integrations/scoro/"


@pytest.fixture
def admin_api(api_client_for, admin_user):
    return api_client_for(admin_user)


def test_full_flow(admin_api, company, sandbox, django_capture_on_commit_callbacks, fast_retries):
    r = admin_api.get(BASE)
    assert r.status_code == 200 and r.json()["connection"]["state"] == "not_connected"

    r = admin_api.post(BASE + "activate/", {"base_url": sandbox.base_url, "api_key": sandbox.api_key,
                                            "company_account_id": sandbox.company_account_id}, format="json")  # fmt: skip
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["connection"]["state"] == "activated"
    assert {u["full_name"] for u in body["scoro_users"]} >= {"Mari Tamm"}

    with django_capture_on_commit_callbacks(execute=True):
        r = admin_api.post(BASE + "finish/", {"owner_user_id": 1}, format="json")
    assert r.status_code == 202 and r.json()["connection"]["state"] == "connected"
    assert SyncRun.objects.get(pk=r.json()["sync_run"]["id"]).status == "succeeded"

    r = admin_api.patch(BASE + "settings/", {"auto_publish": True, "auto_sync": False}, format="json")
    assert r.status_code == 200
    conn = ScoroConnection.objects.get(company=company)
    assert conn.auto_publish and not conn.auto_sync

    sandbox.modify("contacts", 3, {"name": "Via API OÜ"})
    with django_capture_on_commit_callbacks(execute=True):
        r = admin_api.post(BASE + "sync/", {"types": ["contacts"]}, format="json")
    assert r.status_code == 202 and r.json()["types"] == ["contacts"]
    assert Contact.objects.for_company(company).get(scoro_id=3).name == "Via API OÜ"

    r = admin_api.get(BASE)
    assert r.json()["api_calls"]["today"] >= 9 and len(r.json()["sync_runs"]) == 2
    assert r.json()["sync_runs"][0]["counts"]["contacts"]["updated"] == 1

    r = admin_api.post(BASE + "deactivate/")
    assert r.status_code == 200 and r.json()["connection"]["state"] == "deactivated"
    assert admin_api.post(BASE + "sync/", {}, format="json").status_code == 409


def test_errors_are_clear(admin_api, sandbox):
    r = admin_api.post(BASE + "activate/", {"base_url": sandbox.base_url, "api_key": "nope",
                                            "company_account_id": sandbox.company_account_id}, format="json")  # fmt: skip
    assert r.status_code == 400 and "API key" in r.json()["detail"]
    r = admin_api.post(BASE + "activate/", {"base_url": "http://acme.scoro.com", "api_key": "x",
                                            "company_account_id": "y"}, format="json")  # fmt: skip
    assert r.status_code == 400 and "https://" in r.json()["detail"]
    r = admin_api.post(BASE + "sync/", {"types": ["bogus"]}, format="json")
    assert r.status_code == 400
    r = admin_api.post(BASE + "finish/", {"owner_user_id": 1}, format="json")
    assert r.status_code == 409


def test_api_key_never_in_output(admin_api, company, sandbox, django_capture_on_commit_callbacks):
    r = admin_api.post(BASE + "activate/", {"base_url": sandbox.base_url, "api_key": sandbox.api_key,
                                            "company_account_id": sandbox.company_account_id}, format="json")  # fmt: skip
    for response in (r, admin_api.get(BASE)):
        text = json.dumps(response.json())
        assert sandbox.api_key not in text
        assert response.json()["connection"]["masked_api_key"].endswith(sandbox.api_key[-4:])


@pytest.mark.parametrize("role_user", ["accountant", "approver", "employee"])
def test_non_admins_get_403(request, api_client_for, role_user, sandbox):
    client = api_client_for(request.getfixturevalue(role_user))
    assert client.get(BASE).status_code == 403
    for action in ("activate/", "finish/", "sync/", "deactivate/"):
        assert client.post(BASE + action, {}, format="json").status_code == 403
    assert client.patch(BASE + "settings/", {}, format="json").status_code == 403


def test_tenant_isolation(api_client_for, connected, company, other_user, other_company, sandbox):
    other = api_client_for(other_user)
    body = other.get(BASE).json()
    assert body["connection"]["state"] == "not_connected" and body["sync_runs"] == []
    for route in ("contacts", "projects", "finance-accounts", "tax-rates", "products", "dimensions"):
        r = other.get(f"/api/v1/{route}/")
        assert r.status_code == 200
        data = r.json()
        rows = data["results"] if isinstance(data, dict) else data
        assert rows == [], route
    mine = Contact.objects.for_company(company).first()
    assert other.get(f"/api/v1/contacts/{mine.pk}/").status_code == 404
