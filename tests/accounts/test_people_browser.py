"""People by their names, menus by role, invitations that can be resent and revoked (Debian's chromium)."""

import pytest

from tests.browser_fixtures import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_names_menus_and_invitations(
    page, live_server, screenshot, company, admin_user, employee, mailoutbox
):
    from accounts.services import invitation_create

    admin_user.first_name, admin_user.last_name = "Kadri", "Kask"
    admin_user.save()
    invitation = invitation_create(
        company=company, email="new@example.test", role="employee", invited_by=admin_user
    )
    first_token = invitation.token

    login(page, live_server, "admin")
    assert page.get_by_test_id("who").inner_text() == "Kadri Kask · Admin"
    page.goto(f"{live_server.url}/accounts/members/")
    row = page.get_by_test_id("invitation").filter(has_text="new@example.test")
    assert row.get_by_test_id("invitation-expiry").inner_text().startswith("valid until ")
    screenshot(page, "1-invitations")
    row.get_by_test_id("invitation-resend").click()
    page.get_by_text("Invitation sent again to new@example.test").wait_for()
    invitation.refresh_from_db()
    assert invitation.token != first_token and [m.to for m in mailoutbox][-1] == ["new@example.test"]
    assert invitation.token in mailoutbox[-1].body
    page.get_by_test_id("invitation").filter(has_text="new@example.test").get_by_test_id(
        "invitation-revoke"
    ).click()
    page.get_by_text("Invitation to new@example.test revoked.").wait_for()
    assert page.get_by_test_id("invitation").count() == 0
    assert page.request.get(f"{live_server.url}/accounts/invitations/{invitation.token}/").status == 404
    screenshot(page, "2-revoked")

    page.context.clear_cookies()
    login(page, live_server, "employee")
    # An employee lands on capturing a receipt; the books are not in their menu.
    assert page.url.endswith("/documents/capture/")
    menu = page.locator("nav.mainnav a").all_inner_texts()
    assert menu == ["Capture", "My receipts & reports"], menu
    screenshot(page, "3-employee-menu")
