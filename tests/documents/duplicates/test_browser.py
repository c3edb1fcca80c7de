"""In Debian's chromium: a receipt photographed twice shows as "Possible duplicate" in the Inbox; its review
page shows both photos side by side with the reason; "Not a duplicate" clears it and the history says so.
The XML and the PDF of one invoice: the PDF's page beside the e-invoice."""

from __future__ import annotations

import pytest
from django.templatetags.static import static

from documents.tasks import generate_previews
from tests.a11y import AXE, BLOCKING
from tests.browser_fixtures import login
from tests.documents.duplicates.conftest import invoice_pdf
from tests.documents.duplicates.receipts import jpeg, receipt, rephotograph
from tests.samples import ubl

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _assert_panel_accessible(page) -> None:
    """axe-core on the side-by-side panel (the rest of the review page is other tests' concern)."""
    page.add_script_tag(url=static(AXE))
    violations = page.evaluate(
        """async () => (await axe.run('.panel.dup', { resultTypes: ['violations'] })).violations
            .map(v => `${v.id} (${v.impact}): ${v.help}`)"""
    )
    assert not [v for v in violations if any(f"({i})" in v for i in BLOCKING)], violations


def _row(page, document):
    return page.locator(f"tr:has(a[href='/documents/{document.pk}/'])")


def test_side_by_side_and_not_a_duplicate(page, live_server, screenshot, company, accountant, receive, read):
    original = receipt()
    first = read(receive(company, jpeg(original), "receipt.jpg", type="receipt"))
    second = read(receive(company, rephotograph(original), "receipt-again.jpg", type="receipt"))
    for document in (first, second):
        generate_previews(document.pk)

    login(page, live_server, "accountant")
    page.goto(f"{live_server.url}/documents/")
    for document in (first, second):
        assert "Possible duplicate" in _row(page, document).get_by_test_id("problems").inner_text()
    screenshot(page, "inbox")

    page.goto(f"{live_server.url}/documents/{second.pk}/")
    panel = page.get_by_test_id("duplicate-warning")
    assert panel.count() == 1
    assert "the same image" in panel.get_by_test_id("duplicate-reason").inner_text().lower()
    this, other = panel.get_by_test_id("dup-this"), panel.get_by_test_id("dup-other")
    assert f"#{second.pk}" in this.inner_text() and f"#{first.pk}" in other.inner_text()
    for side in (this, other):
        image = side.locator("img")
        assert image.evaluate("i => i.complete && i.naturalWidth > 0")
    box_this, box_other = this.bounding_box(), other.bounding_box()
    assert abs(box_this["y"] - box_other["y"]) < 2 and box_other["x"] > box_this["x"] + box_this["width"]
    screenshot(page, "side-by-side")
    _assert_panel_accessible(page)

    panel.get_by_test_id("not-duplicate").click()
    page.wait_for_url(f"**/documents/{second.pk}/")
    assert page.get_by_test_id("duplicate-warning").count() == 0
    assert f"Kept as a separate document from #{first.pk}" in page.content()
    trail = page.get_by_test_id("trail").inner_text()
    assert "Decided: not a duplicate" in trail and f"Not a duplicate of document #{first.pk}" in trail
    screenshot(page, "after-not-a-duplicate")

    page.goto(f"{live_server.url}/documents/{first.pk}/")
    assert page.get_by_test_id("duplicate-warning").count() == 0
    page.goto(f"{live_server.url}/documents/")
    for document in (first, second):
        assert "duplicate" not in _row(page, document).get_by_test_id("problems").inner_text().lower()


def test_the_pdf_beside_the_xml_it_repeats(page, live_server, screenshot, company, accountant, receive, read):
    xml = read(receive(company, ubl(number="INV-2024-007"), "invoice.xml"))
    pdf = read(receive(company, invoice_pdf(), "invoice.pdf"))
    generate_previews(pdf.pk)

    login(page, live_server, "accountant")
    page.goto(f"{live_server.url}/documents/{pdf.pk}/")
    panel = page.get_by_test_id("duplicate-warning")
    assert panel.get_by_test_id("duplicate-reason").inner_text() == "The same supplier, number and total"
    assert panel.get_by_test_id("dup-this").locator("img").evaluate("i => i.naturalWidth > 0")
    other = panel.get_by_test_id("dup-other").inner_text()
    assert "E-invoice (XML)" in other and "INV-2024-007" in other and "122.00" in other
    screenshot(page, "pdf-beside-xml")
    _assert_panel_accessible(page)

    panel.get_by_test_id("open-other").click()
    page.wait_for_url(f"**/documents/{xml.pk}/")
    assert f"#{pdf.pk}" in page.get_by_test_id("dup-other").inner_text()
