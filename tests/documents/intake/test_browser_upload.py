"""The browser upload page: two files dropped at once, each with its progress, then seen in the Inbox."""

import pytest

from tests import samples
from tests.browser_fixtures import login

DROP_FILES_JS = """
async ({files}) => {
  const zone = document.querySelector('[data-dropzone]');
  const dt = new DataTransfer();
  for (const f of files) {
    const bytes = Uint8Array.from(atob(f.b64), c => c.charCodeAt(0));
    dt.items.add(new File([bytes], f.name, {type: f.type}));
  }
  for (const name of ['dragenter', 'dragover', 'drop']) {
    zone.dispatchEvent(new DragEvent(name, {dataTransfer: dt, bubbles: true, cancelable: true}));
  }
}
"""


@pytest.mark.browser
def test_drag_and_drop_two_files_then_inbox(transactional_db, live_server, page, screenshot, accountant):
    import base64

    login(page, live_server, "accountant")
    page.goto(f"{live_server.url}/documents/")
    page.get_by_test_id("upload-button").click()
    page.wait_for_url("**/documents/upload/")
    page.get_by_test_id("upload-type").select_option("purchase_invoice")
    files = [
        {
            "name": "acme-march.pdf",
            "type": "application/pdf",
            "b64": base64.b64encode(samples.pdf()).decode(),
        },
        {"name": "taxi.jpg", "type": "image/jpeg", "b64": base64.b64encode(samples.image("JPEG")).decode()},
    ]
    page.evaluate(DROP_FILES_JS, {"files": files})
    page.wait_for_function("() => document.querySelectorAll('[data-list] li.done').length === 2")
    assert page.locator("[data-list] li.done progress").evaluate_all("bars => bars.map(b => b.value)") == [
        100,
        100,
    ]
    # Each file links to its document and shows its state until it has been read (htmx polling).
    page.locator("[data-summary]").get_by_text("2 of 2 read").wait_for()
    from documents.models import Document

    links = page.get_by_test_id("upload-link")
    expected = {d.filename: f"/documents/{d.pk}/" for d in Document.objects.all()}
    assert {links.nth(i).inner_text(): links.nth(i).get_attribute("href") for i in range(2)} == {
        name: f"{live_server.url}{path}" for name, path in expected.items()
    }
    states = page.get_by_test_id("upload-state").all_inner_texts()
    assert len(states) == 2 and all(s.startswith("Read · ") for s in states), states
    screenshot(page, "1-uploaded")

    page.goto(f"{live_server.url}/documents/")
    table = page.get_by_test_id("document-list")
    table.get_by_text("acme-march.pdf").wait_for()
    assert table.get_by_text("taxi.jpg").is_visible()
    screenshot(page, "2-inbox")


@pytest.mark.browser
def test_rejected_file_shows_why(transactional_db, live_server, page, screenshot, accountant):
    import base64

    login(page, live_server, "accountant")
    page.goto(f"{live_server.url}/documents/upload/")
    files = [
        {
            "name": "notes.pdf",
            "type": "application/pdf",
            "b64": base64.b64encode(b"not a pdf at all").decode(),
        }
    ]
    page.evaluate(DROP_FILES_JS, {"files": files})
    page.locator("[data-list] li.failed").wait_for()
    assert "not a file type we can read" in page.locator("[data-list] li.failed .state").inner_text()
    screenshot(page, "rejected")
