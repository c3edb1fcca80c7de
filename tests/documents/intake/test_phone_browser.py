"""The employee's phone (390 px wide): folded navigation, receipts as cards, the camera button, and the
installable web app whose service worker keeps photos taken without signal and sends them later."""

import pytest

from tests.browser_fixtures import login
from tests.factories import make_document
from tests.samples import image

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_phone_capture_offline_queue_and_cards(phone, live_server, screenshot, company, employee):
    from documents.models import Document

    make_document(
        company, type="receipt", uploaded_by=employee, fields={"supplier_name": "Bolt", "total": "14.60"}
    )
    page = phone
    login(page, live_server, "employee")
    assert page.url.endswith("/documents/capture/")
    # The menu is folded behind one button and opens on a tap.
    nav = page.locator("nav.mainnav")
    assert not nav.is_visible()
    assert page.locator("header.topbar").bounding_box()["height"] < 844 * 0.2
    # The camera symbol is drawn (an inline SVG), not a font glyph that may be missing.
    assert page.get_by_test_id("take-photo").locator("svg").count() == 1
    screenshot(page, "1-capture")
    page.get_by_test_id("nav-toggle").click()
    assert nav.is_visible() and page.get_by_test_id("nav-toggle").get_attribute("aria-expanded") == "true"
    screenshot(page, "2-menu-open")

    # Installable: a manifest with icons, and a service worker that controls the page.
    manifest = page.request.get(f"{live_server.url}/manifest.webmanifest").json()
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/documents/capture/"
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    assert page.request.get(f"{live_server.url}/favicon.ico").ok
    page.evaluate("() => navigator.serviceWorker.ready")
    page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")

    # No signal: the photo is kept on the phone; back online, it is sent and becomes a document.
    page.context.set_offline(True)
    page.get_by_test_id("camera").set_input_files(
        files=[{"name": "taxi.jpg", "mimeType": "image/jpeg", "buffer": image("JPEG")}]
    )
    page.locator("[data-list] li.kept", has_text="Kept on this device").wait_for()
    assert not Document.objects.filter(filename="taxi.jpg").exists()
    screenshot(page, "3-kept-offline")
    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.get_by_test_id("upload-link").filter(has_text="taxi.jpg").wait_for(timeout=30_000)
    document = Document.objects.get(filename="taxi.jpg")
    assert document.uploaded_by == employee and document.type == "receipt"
    screenshot(page, "4-sent-when-back")

    # Their receipts as cards, not a table running off the right edge.
    page.goto(f"{live_server.url}/documents/expenses/")
    row = page.get_by_test_id("doc-row").first
    assert row.bounding_box()["width"] <= 390
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    screenshot(page, "5-receipts-as-cards")
