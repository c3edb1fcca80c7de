"""The accountant's day in Debian's chromium (issue 17): problems that show, live status, rejections,
expense reports, rules, people and menus, the overview. Each walk keeps to a few page loads."""

from __future__ import annotations

import re

import pytest

from tests.browser_fixtures import login
from tests.factories import make_document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_inbox_row_shows_the_review_screens_problems(
    page, live_server, screenshot, company, accountant, books
):
    guessed = make_document(
        company,
        type="receipt",
        supplier=books["supplier"],
        project=books["project"],
        finance_account=books["account"],
        fields={"supplier_name": "Kedai Kopi Sdn Bhd", "currency": "GBP", "invoice_number": "88"},
        confidence={"supplier_name": 0.95, "currency": 0.45, "invoice_number": 0.5, "total": 0.96},
    )
    clean = make_document(
        company,
        supplier=books["supplier"],
        project=books["project"],
        finance_account=books["account"],
        fields={"invoice_number": "INV-2002"},
    )
    login(page, live_server, "accountant")
    page.goto(f"{live_server.url}/documents/")
    rows = page.get_by_test_id("doc-row")
    guessed_row = rows.filter(has_text=guessed.filename)
    assert guessed_row.get_by_test_id("problems").inner_text() == "Unsure currency, unsure number"
    assert rows.filter(has_text=clean.filename).get_by_test_id("problems").inner_text() == "OK"
    screenshot(page, "1-inbox-problems")

    guessed_row.get_by_role("link").first.click()
    page.wait_for_url(re.compile(rf"/documents/{guessed.pk}/$"))
    assert page.get_by_test_id("problem-currency").inner_text() == (
        "⚠ Low confidence in the currency (45%): please check."
    )
    assert page.get_by_test_id("problem-invoice_number").count() == 1
    screenshot(page, "2-review-problems")


def test_inbox_rows_update_in_place_while_a_document_is_read(
    page, live_server, screenshot, company, accountant
):
    from documents.state import transition

    arriving = make_document(company, status="received", fields={"invoice_number": "LIVE-1"})
    login(page, live_server, "accountant")
    page.goto(f"{live_server.url}/documents/")
    row = page.locator(f"tr[data-href='/documents/{arriving.pk}/']")
    assert row.get_attribute("data-status") == "received"
    screenshot(page, "1-received")
    transition(arriving, "finish_extraction", actor_label="extraction")
    page.locator(f"tr[data-href='/documents/{arriving.pk}/'][data-status='to_review']").wait_for()
    assert page.url.endswith("/documents/")  # no reload: the row was replaced in place
    assert row.get_by_test_id("problems").inner_text() == "Coding missing"
    assert row.get_attribute("hx-get") is None  # read: it stops polling
    screenshot(page, "2-read-in-place")
