"""In Debian's chromium, two admins: the one who recorded a bill asking for a new bank account sees it
blocked and may not confirm it; the second admin confirms it, the history shows it and Publish is offered."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.templatetags.static import static
from PIL import Image, ImageDraw

from documents.models import DocumentPage
from scoro_sync.models import ScoroConnection
from tests.a11y import AXE, BLOCKING
from tests.browser_fixtures import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page_image(document) -> None:
    image = Image.new("RGB", (1000, 1400), "white")
    draw = ImageDraw.Draw(image)
    for (x, y), text in [
        ((80, 100), "Zone Media OÜ"),
        ((600, 125), "Invoice INV-1001"),
        ((80, 1200), "Please note our NEW bank account:"),
        ((80, 1240), "IBAN LT60 1010 0123 4567 8901"),
        ((600, 1000), "TOTAL EUR 122.00"),
    ]:
        draw.text((x, y), text, fill="black", font_size=28)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    DocumentPage.objects.create(document=document, number=1, image=ContentFile(buf.getvalue(), name="1.png"))
    document.page_count = 1
    document.save(update_fields=["page_count"])


def _assert_panel_accessible(page) -> None:
    """axe-core on the bank account panel (the rest of the review page is other tests' concern)."""
    page.add_script_tag(url=static(AXE))
    violations = page.evaluate(
        """async () => (await axe.run('#bank-account', { resultTypes: ['violations'] })).violations
            .map(v => `${v.id} (${v.impact}): ${v.help}`)"""
    )
    assert not [v for v in violations if any(f"({i})" in v for i in BLOCKING)], violations


@pytest.fixture
def connected(company, sandbox):
    """Connected to the Scoro sandbox (the confirmed account goes there with the contact)."""
    connection = ScoroConnection(
        company=company,
        state=ScoroConnection.State.CONNECTED,
        base_url=sandbox.base_url,
        company_account_id=sandbox.company_account_id,
        owner_scoro_user_id=2,
        auto_publish=False,
    )
    connection.set_api_key(sandbox.api_key)
    connection.save()
    return connection


def test_recorder_sees_it_blocked_and_a_second_admin_confirms(
    page, browser, live_server, screenshot, bill, recorded, admin_user, second_admin, supplier, connected
):
    document = recorded(by=admin_user)
    _page_image(document)
    url = f"{live_server.url}/documents/{document.pk}/"

    # The admin who recorded it: blocked, the reason, no confirm button, no Publish button.
    login(page, live_server, "admin")
    page.goto(url)
    blocked = page.get_by_test_id("bank-account-blocked")
    assert "New bank account: LT60 1010 0123 4567 8901" in blocked.inner_text()
    assert "EE38 2200 2210 2014 5685" in blocked.inner_text()
    assert "a second admin has to confirm" in page.get_by_test_id("bank-account-refusal").inner_text()
    assert page.get_by_test_id("bank-account-confirm").count() == 0
    assert page.get_by_test_id("bank-account-reject").count() == 1  # the cautious way stays open
    assert "by a second admin" in page.get_by_test_id("problem-iban").first.inner_text()
    publishing = page.get_by_test_id("publishing-panel")
    assert publishing.get_by_test_id("publish").count() == 0
    assert "by a second admin" in publishing.inner_text()
    history = page.get_by_test_id("bank-account-history").inner_text()
    assert "Waiting for a second admin" in history and "On file" in history
    screenshot(page, "1-recorder-blocked")
    _assert_panel_accessible(page)

    # In the Inbox, the row of another bill asking for the new account says why.
    bill(number="INV-1002")
    page.goto(f"{live_server.url}/documents/")
    assert page.get_by_test_id("problems").first.inner_text() == "New bank account"
    screenshot(page, "2-inbox")

    # The second admin, in another browser session, confirms it.
    other = browser.new_context(viewport={"width": 1400, "height": 900})
    second = other.new_page()
    second.set_default_timeout(15_000)
    try:
        login(second, live_server, "second")
        second.goto(url)
        screenshot(second, "3-second-admin-sees-confirm")
        _assert_panel_accessible(second)
        second.get_by_test_id("bank-account-confirm").click()
        second.wait_for_url(re.compile(rf"/documents/{document.pk}/$"))
        assert "Bank account confirmed" in second.content()
        assert second.get_by_test_id("bank-account-blocked").count() == 0
        history = second.get_by_test_id("bank-account-history").inner_text()
        assert re.search(r"LT60 1010 0123 4567 8901\s+current\s+Confirmed by", history), history
        assert second.get_by_test_id("publishing-panel").get_by_test_id("publish").count() == 1
        assert "New bank account confirmed" in second.get_by_test_id("trail").inner_text()
        screenshot(second, "4-confirmed")
    finally:
        other.close()

    supplier.refresh_from_db()
    assert supplier.iban == "LT601010012345678901"
