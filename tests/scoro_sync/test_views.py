"""Settings › Integrations › Scoro and Settings › Bookkeeping pages (Django test client)."""

from __future__ import annotations

import pytest

from bookkeeping.models import Contact, DimensionGroup
from scoro_sync.models import ScoroConnection, SyncRun


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_connect_through_the_pages(
    admin_client, company, sandbox, django_capture_on_commit_callbacks, fast_retries
):
    r = admin_client.get("/settings/integrations/scoro/")
    assert r.status_code == 200 and b"Activate" in r.content
    r = admin_client.post("/settings/integrations/scoro/activate/", {
        "base_url": sandbox.base_url, "api_key": "wrong", "company_account_id": sandbox.company_account_id})  # fmt: skip
    assert r.status_code == 400 and "did not accept the API key" in r.content.decode()
    assert b"wrong" not in r.content  # the key is never echoed back
    r = admin_client.post("/settings/integrations/scoro/activate/", {
        "base_url": sandbox.base_url, "api_key": sandbox.api_key, "company_account_id": sandbox.company_account_id})  # fmt: skip
    assert r.status_code == 302
    r = admin_client.get("/settings/integrations/scoro/")
    assert "Mari Tamm" in r.content.decode() and sandbox.api_key.encode() not in r.content
    with django_capture_on_commit_callbacks(execute=True):
        r = admin_client.post("/settings/integrations/scoro/finish/", {"owner_user_id": "1"})
    assert r.status_code == 302
    page = admin_client.get("/settings/integrations/scoro/").content.decode()
    assert "Sync history" in page and "Deactivate" in page and sandbox.api_key not in page
    assert ScoroConnection.objects.get(company=company).masked_api_key in page

    r = admin_client.post(
        "/settings/integrations/scoro/settings/", {"auto_publish": "on", "recording_required": "on"}
    )
    conn = ScoroConnection.objects.get(company=company)
    assert conn.auto_publish and conn.recording_required and not conn.auto_sync

    admin_client.post("/settings/integrations/scoro/deactivate/", {})  # no confirmation: nothing happens
    assert ScoroConnection.objects.get(company=company).is_connected
    admin_client.post("/settings/integrations/scoro/deactivate/", {"confirm": "yes"})
    assert ScoroConnection.objects.get(company=company).state == "deactivated"


def test_accountant_has_no_integrations(client, accountant):
    client.force_login(accountant)
    assert client.get("/settings/integrations/scoro/").status_code == 403
    assert client.post("/settings/integrations/scoro/deactivate/", {"confirm": "yes"}).status_code == 403
    page = client.get("/settings/").content.decode()
    assert "Integrations" not in page and "Bookkeeping" in page


def test_employee_has_neither(client, employee):
    client.force_login(employee)
    assert client.get("/settings/bookkeeping/").status_code == 403
    assert "Bookkeeping" not in client.get("/settings/").content.decode()


@pytest.mark.parametrize("tab", ["accounts", "dimensions", "tax-rates", "contacts", "products"])
def test_bookkeeping_tabs(client, accountant, connected, company, tab, django_capture_on_commit_callbacks):
    client.force_login(accountant)
    r = client.get(f"/settings/bookkeeping/{tab}/")
    assert r.status_code == 200 and b'data-testid="sync-tab"' in r.content
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/settings/bookkeeping/{tab}/sync/")
    assert r.status_code == 302
    run = SyncRun.objects.for_company(company).first()
    assert run.trigger == "manual" and run.status == "succeeded"


def test_project_group_checkbox(client, accountant, connected, company):
    client.force_login(accountant)
    group = DimensionGroup.objects.for_company(company).get(name="Project")
    client.post(f"/settings/bookkeeping/groups/{group.pk}/", {"show_on_expense_form": "on"})
    group.refresh_from_db()
    assert group.show_on_expense_form


def test_conflicts_shown_and_resolved(client, accountant, connected, company, admin_user, sandbox):
    from bookkeeping.contacts import contact_save_local
    from scoro_sync.sync import SyncRunner

    contact = Contact.objects.for_company(company).get(scoro_id=2)
    contact_save_local(company=company, contact=contact, data={"name": "Mine SIA"}, actor=admin_user)
    sandbox.modify("contacts", 2, {"name": "Theirs SIA"})
    SyncRunner(run=SyncRun.objects.create(company=company, types=["contacts"])).execute()
    client.force_login(accountant)
    page = client.get("/settings/bookkeeping/contacts/").content.decode()
    assert "conflict-row" in page and "Mine SIA" in page and "Theirs SIA" in page
    client.post(f"/settings/bookkeeping/contacts/{contact.pk}/resolve/", {"keep": "scoro"})
    contact.refresh_from_db()
    assert contact.name == "Theirs SIA" and contact.push_state == "in_sync"


def test_other_company_objects_404(client, other_user, connected, company):
    client.force_login(other_user)
    contact = Contact.objects.for_company(company).first()
    group = DimensionGroup.objects.for_company(company).first()
    assert (
        client.post(f"/settings/bookkeeping/contacts/{contact.pk}/resolve/", {"keep": "scoro"}).status_code
        == 404
    )
    assert client.post(f"/settings/bookkeeping/groups/{group.pk}/", {}).status_code == 404
    page = client.get("/settings/bookkeeping/contacts/").content.decode()
    assert contact.name not in page
