"""Settings pages in a real browser: connect to the sandbox, toggles, bookkeeping tabs; screenshots."""

from __future__ import annotations

import pytest

from bookkeeping.models import Contact
from tests.browser_fixtures import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_connect_and_browse(
    page, live_server, company, admin_user, accountant, sandbox, screenshot, settings
):
    settings.SCORO_RETRY_BACKOFF_SECONDS = 0.001
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}/settings/")
    page.click("[data-testid=nav-integrations]")
    screenshot(page, "1-credentials")
    page.fill("input[name=base_url]", sandbox.base_url)
    page.fill("input[name=api_key]", "not-the-key")
    page.fill("input[name=company_account_id]", sandbox.company_account_id)
    page.click("[data-testid=activate]")
    assert "did not accept the API key" in page.inner_text("[data-testid=scoro-error]")
    screenshot(page, "2-wrong-key")
    page.fill("input[name=api_key]", sandbox.api_key)
    page.click("[data-testid=activate]")
    page.wait_for_selector("[data-testid=owner-select]")
    screenshot(page, "3-owner")
    page.select_option("[data-testid=owner-select]", "2")
    page.click("[data-testid=finish]")
    page.wait_for_selector("[data-testid=sync-runs]")
    assert sandbox.api_key not in page.content()
    screenshot(page, "4-connected")

    page.click("[data-testid=nav-bookkeeping]")
    page.wait_for_selector("[data-testid=rows]")
    screenshot(page, "5-accounts")
    page.click(".tabs >> text=Dimensions")
    page.check("[data-testid=show-on-expense-project]")
    page.wait_for_load_state()
    screenshot(page, "6-dimensions")

    contact = Contact.objects.for_company(company).get(scoro_id=2)
    from scoro_sync.models import SyncRun
    from scoro_sync.sync import SyncRunner

    # Changed here while the queue was down (no push yet) …
    Contact.objects.filter(pk=contact.pk).update(name="Baltic Freight (ours)", push_state="pending")
    # … and in Scoro.
    sandbox.modify("contacts", 2, {"name": "Baltic Freight SIA (Scoro)"})
    SyncRunner(run=SyncRun.objects.create(company=company, types=["contacts"])).execute()
    page.click(".tabs >> text=Contacts")
    page.wait_for_selector("[data-testid=conflict-row]")
    screenshot(page, "7-contacts-conflict")
    page.click("[data-testid=take-scoro]")
    page.wait_for_selector("text=Conflict resolved")
    contact.refresh_from_db()
    assert contact.name == "Baltic Freight SIA (Scoro)"

    page.click(".tabs >> text=Products")
    screenshot(page, "8-products")

    # An accountant sees Bookkeeping but no Integrations link.
    page.context.clear_cookies()
    login(page, live_server, "accountant")
    page.goto(f"{live_server.url}/settings/")
    assert page.locator("[data-testid=nav-integrations]").count() == 0
    assert page.locator("[data-testid=nav-bookkeeping]").count() == 1
