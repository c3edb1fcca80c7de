"""Settings › E-mail in Debian's chromium: an admin gives a sender a default project, is told what is
wrong with a bad entry, removes it, sets the invoice-link allow-list and turns replies off; then a
message to the +code address shows on the review page where its project came from."""

from __future__ import annotations

import pytest

from documents.models import Document
from inbound.models import InboundSettings, SenderProject
from tests import samples
from tests.a11y import assert_accessible
from tests.browser_fixtures import login
from tests.factories import ProjectFactory
from tests.inbound.test_mailgun_webhook import mailgun_post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_email_settings_walk(page, live_server, screenshot, company, admin_user, client, settings):
    web = ProjectFactory(company=company, name="Website", number="P-24")
    ProjectFactory(company=company, name="Cloud platform", number="1042")
    page.on("dialog", lambda dialog: dialog.accept())  # the Remove button asks first

    login(page, live_server, "admin")
    page.goto(f"{live_server.url}/settings/")
    page.get_by_test_id("nav-email").click()
    page.wait_for_url("**/settings/e-mail/")
    local, _, domain = company.inbound_address.partition("@")
    assert page.get_by_test_id("plus-example").inner_text() == f"{local}+1042@{domain}"  # first by name
    assert "No sender has a default project." in page.get_by_test_id("sender-projects").inner_text()
    assert_accessible(page, "Settings › E-mail")
    screenshot(page, "1-empty")

    # A bad entry is refused with the reason, next to the field; what was typed stays.
    page.get_by_role("textbox", name="Sender").fill("billing at acme")
    page.get_by_role("combobox", name="Project").select_option(label="P-24 Website")
    page.get_by_test_id("add-sender").click()
    assert "Enter an e-mail address" in page.get_by_test_id("sender-error").inner_text()
    assert page.get_by_role("textbox", name="Sender").input_value() == "billing at acme"
    screenshot(page, "2-invalid-sender")

    page.get_by_role("textbox", name="Sender").fill("@Acme.example")
    page.get_by_test_id("add-sender").click()
    page.get_by_text("Mail from @acme.example is now filed under P-24 Website.").wait_for()
    assert SenderProject.objects.get(company=company).project == web
    page.get_by_role("textbox", name="Sender").fill("ap@supplier.example")
    page.get_by_role("combobox", name="Project").select_option(label="1042 Cloud platform")
    page.get_by_test_id("add-sender").click()
    page.get_by_text("Mail from ap@supplier.example is now filed under 1042 Cloud platform.").wait_for()
    rows = page.get_by_test_id("sender-projects").locator("tbody tr")
    assert rows.count() == 2
    screenshot(page, "3-two-senders")

    page.get_by_role("button", name="Remove ap@supplier.example").click()
    page.get_by_text("Mail from ap@supplier.example no longer has a default project.").wait_for()
    assert list(SenderProject.objects.values_list("sender", flat=True)) == ["@acme.example"]

    # The link allow-list: a URL is not a sender; then a proper list, and replies off.
    page.get_by_label("Fetch invoice links from").fill("https://portal.example/invoices")
    page.get_by_test_id("save-settings").click()
    assert "Not an e-mail address or @domain" in page.get_by_test_id("link-senders-error").inner_text()
    screenshot(page, "4-invalid-link-senders")
    page.get_by_label("Fetch invoice links from").fill("billing@acme.example\n@portal.example")
    page.get_by_label("Reply to the sender").uncheck()
    page.get_by_test_id("save-settings").click()
    page.get_by_text("E-mail settings saved.").wait_for()
    saved = InboundSettings.objects.get(company=company)
    assert saved.link_senders == "billing@acme.example\n@portal.example" and saved.send_replies is False
    assert (
        page.get_by_label("Fetch invoice links from").input_value() == "billing@acme.example\n@portal.example"
    )
    assert not page.get_by_label("Reply to the sender").is_checked()
    screenshot(page, "5-saved")

    # Mail to the +code address: the review page says where the project came from.
    response, _ = mailgun_post(
        client, settings, recipient=f"{local}+1042@{domain}",
        attachments=[("inv.pdf", samples.pdf(), "application/pdf")],
    )  # fmt: skip
    assert response.status_code == 200, response.content
    document = Document.objects.get(company=company)
    page.goto(f"{live_server.url}/documents/{document.pk}/")
    assert page.get_by_test_id("source-project").inner_text() == "set by e-mail: address +1042"
    screenshot(page, "6-review-source")
