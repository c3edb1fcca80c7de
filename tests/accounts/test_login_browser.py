import pytest

from tests.browser_fixtures import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_logs_in_and_sees_the_navigation(page, live_server, accountant, screenshot):
    page.goto(f"{live_server.url}/accounts/login/")
    screenshot(page, "login")
    login(page, live_server, "accountant")
    nav = page.locator("nav.mainnav")
    for label in ("Inbox", "Purchases", "Expenses & Reports", "Sales", "Archive", "Approvals", "Settings"):
        assert nav.get_by_text(label, exact=True).count() == 1, label
    assert page.locator("h1").inner_text().startswith("Inbox")
    screenshot(page, "inbox")


def test_wrong_password_shows_an_error(page, live_server, accountant):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "accountant")
    page.fill("input[name=password]", "wrong")
    page.click("button[type=submit]")
    assert "correct username and password" in page.locator(".error").inner_text()
