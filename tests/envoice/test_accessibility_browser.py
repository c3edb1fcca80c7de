"""Every page passes axe-core (vendored, static/vendor) with no serious or critical violation, at a
desk and on a phone; the review flow works from the keyboard alone."""

from __future__ import annotations

import re

import pytest

from documents.models import Document, ExpenseReport
from tests.a11y import axe_violations
from tests.browser_fixtures import login
from tests.factories import make_document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACCOUNTANT_PAGES = [
    "/documents/",
    "/documents/{doc}/",
    "/documents/purchases/",
    "/documents/purchases/archive/",
    "/documents/expenses/",
    "/documents/sales/",
    "/documents/archive/",
    "/documents/upload/",
    "/documents/reports/",
    "/documents/reports/{report}/",
    "/documents/reports/new/",
    "/approvals/",
    "/dashboard/",
    "/rules/",
    "/rules/new/",
]
ADMIN_PAGES = [
    "/settings/",
    "/settings/e-mail/",
    "/settings/integrations/scoro/",
    "/settings/bookkeeping/",
    "/accounts/members/",
]
EMPLOYEE_PAGES = ["/documents/capture/", "/documents/expenses/", "/documents/reports/{report}/"]


def _walk(page, live_server, paths, objects) -> dict[str, list]:
    found = {}
    for path in paths:
        url = path.format(**objects)
        page.goto(f"{live_server.url}{url}")
        violations = axe_violations(page)
        if violations:
            found[url] = [f"{v['id']} ({v['impact']}): {v['help']} at {v['targets']}" for v in violations]
    return found


@pytest.fixture
def objects(company, employee, books):
    document = make_document(
        company,
        supplier=books["supplier"],
        lines=[("Cloud server", "100.00")],
        confidence={"total": 0.4, "invoice_number": 0.95},
    )
    report = ExpenseReport.objects.create(company=company, title="Riga", employee=employee)
    make_document(company, type="receipt", uploaded_by=employee, expense_report=report)
    return {"doc": document.pk, "report": report.pk}


def test_every_page_passes_axe(page, browser, live_server, objects, accountant, admin_user, employee):
    found = _walk(page, live_server, ["/accounts/login/"], objects)
    login(page, live_server, "accountant")
    found |= _walk(page, live_server, ACCOUNTANT_PAGES, objects)
    page.context.clear_cookies()
    login(page, live_server, "admin")
    found |= _walk(page, live_server, ADMIN_PAGES, objects)

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone_page = phone.new_page()
    try:
        login(phone_page, live_server, "employee")
        found |= {f"phone {k}": v for k, v in _walk(phone_page, live_server, EMPLOYEE_PAGES, objects).items()}
    finally:
        phone.close()
    assert not found, "\n".join(f"{url}: {'; '.join(v)}" for url, v in found.items())


def test_review_flow_from_the_keyboard(page, live_server, screenshot, objects, accountant, books):
    login(page, live_server, "accountant")
    page.goto(f"{live_server.url}/documents/")
    target = f"/documents/{objects['doc']}/"
    for _ in range(3):  # j moves the cursor down the Inbox until it is on the invoice
        page.keyboard.press("j")
        if page.locator("tr.cursor").get_attribute("data-href") == target:
            break
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/documents/{objects['doc']}/$"))
    # Tab reaches the fields in order and every focused control shows where focus is.
    page.locator("#f_supplier_name").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "f_supplier_vat_no"
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none"), outline
    page.locator("#f_total").focus()
    page.keyboard.press("Control+a")
    page.keyboard.type("122.00")
    page.keyboard.press("Control+s")
    page.get_by_text("Saved.").wait_for()
    screenshot(page, "1-saved-from-keyboard")
    # Coding by keyboard: choose in the selects, then record with Ctrl+Enter.
    for testid, value in (
        ("coding-project", books["project"].pk),
        ("coding-account", books["account"].pk),
        ("coding-tax", books["tax"].pk),
    ):
        page.get_by_test_id(testid).focus()
        page.get_by_test_id(testid).select_option(str(value))
    page.keyboard.press("Control+Enter")
    # Recorded, and the next document in the Inbox opens: the reviewer's hands stay on the keys.
    page.locator(".messages").get_by_text(re.compile(r"is ready\.$")).wait_for()
    assert Document.objects.get(pk=objects["doc"]).status == "ready"
    assert not page.url.endswith(f"/documents/{objects['doc']}/")
    screenshot(page, "2-recorded-then-next")
