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


def test_a_rejection_stands_out_for_whoever_recorded_it(
    page, live_server, screenshot, company, accountant, approver, admin_user, books, mailoutbox
):
    from decimal import Decimal

    from approvals.services import approval_start_if_required, approval_workflow_save

    approver.first_name, approver.last_name = "Mari", "Tamm"
    approver.save()
    approval_workflow_save(
        company=company,
        actor=admin_user,
        name="Everything",
        document_types=["purchase_invoice"],
        min_amount=Decimal("0"),
        steps=[{"users": [approver]}],
    )
    document = make_document(
        company, supplier=books["supplier"], fields={"invoice_number": "REJ-9"}, recorded_by=accountant
    )
    assert approval_start_if_required(document=document, actor=accountant)

    login(page, live_server, "approver")
    page.goto(f"{live_server.url}/approvals/")
    item = page.get_by_test_id("approval-item")
    item.locator("summary", has_text="Reject").click()
    item.locator("form[action*=reject] textarea").fill("Wrong project: this is the Cloud platform.")
    item.get_by_test_id("reject").click()
    page.wait_for_load_state()
    # the person who recorded it is told by e-mail, with the reason
    told = [m for m in mailoutbox if m.to == [accountant.email]]
    assert len(told) == 1 and "was rejected" in told[0].subject and "Cloud platform" in told[0].body

    page.context.clear_cookies()
    login(page, live_server, "accountant")
    page.goto(f"{live_server.url}/documents/")
    row = page.get_by_test_id("doc-row").filter(has_text="REJ-9")
    assert row.get_by_test_id("row-status").inner_text() == "Rejected"
    assert row.get_by_test_id("row-rejection").inner_text() == (
        "Wrong project: this is the Cloud platform. — Mari Tamm"
    )
    screenshot(page, "1-inbox-rejected")
    row.get_by_role("link").first.click()
    banner = page.get_by_test_id("rejection")
    assert banner.inner_text().startswith("Rejected by Mari Tamm on ")
    assert "Wrong project: this is the Cloud platform." in banner.inner_text()
    # the banner is the first thing on the form side of the page
    assert page.locator(".review > section").nth(1).locator("> *").first.get_attribute("data-testid") == (
        "rejection"
    )
    assert page.get_by_test_id("status").inner_text() == "Rejected"
    assert page.get_by_test_id("record").is_visible()  # corrected, it can be recorded again
    screenshot(page, "2-review-rejected")


def test_an_expense_report_waits_for_its_receipts_and_can_be_withdrawn(
    page, live_server, screenshot, company, employee, accountant, books
):
    import datetime as dt

    from documents.models import ExpenseReport

    report = ExpenseReport.objects.create(
        company=company,
        title="Riga trip",
        employee=employee,
        period_start=dt.date(2024, 5, 1),
        period_end=dt.date(2024, 5, 31),
        project=books["project"],
    )
    make_document(
        company,
        type="receipt",
        uploaded_by=employee,
        expense_report=report,
        finance_account=books["account"],
        fields={"supplier_name": "Taxi Riga", "total": "14.60", "subtotal": None, "tax_total": None},
    )
    make_document(
        company,
        type="receipt",
        uploaded_by=employee,
        expense_report=report,
        fields={
            "supplier_name": "Kedai Kopi",
            "currency": "",
            "issue_date": "2024-06-03",
            "total": "9.00",
            "subtotal": None,
            "tax_total": None,
        },
    )
    login(page, live_server, "employee")
    page.goto(f"{live_server.url}/documents/reports/{report.pk}/")
    page.get_by_test_id("submit-report").click()
    page.get_by_test_id("report-status").filter(has_text="Submitted").wait_for()
    waiting = page.get_by_test_id("report-waiting").inner_text()
    assert "1 receipt is not read and coded yet: Kedai Kopi 9.00 (no currency, no finance account)" in waiting
    flags = page.get_by_test_id("receipt-flag").all_inner_texts()
    assert flags == ["dated 2024-06-03, outside the report's period"]
    assert page.get_by_test_id("report-total").inner_text() == "14.60 EUR"  # the 9.00 has no currency
    assert "1 receipt without currency (not counted)" in page.get_by_test_id("without-currency").inner_text()
    screenshot(page, "1-employee-waiting")
    page.get_by_test_id("withdraw-report").click()
    page.get_by_test_id("report-status").filter(has_text="Draft").wait_for()
    page.get_by_test_id("submit-report").click()
    page.get_by_test_id("report-status").filter(has_text="Submitted").wait_for()

    page.context.clear_cookies()
    login(page, live_server, "accountant")
    page.goto(f"{live_server.url}/documents/reports/?status=submitted")
    row = page.get_by_test_id("report-row").filter(has_text="Riga trip")
    assert "14.60" in row.inner_text() and "23.60" not in row.inner_text()
    assert page.get_by_test_id("report-filters").get_by_role("link").all_inner_texts() == [
        "All", "Draft", "Submitted", "In approval", "Rejected", "Confirmed", "Published", "Failed",
    ]  # fmt: skip
    screenshot(page, "2-accountant-reports-filtered")
    page.get_by_test_id("report-row").get_by_role("link").first.click()
    assert page.get_by_test_id("confirm-report").is_disabled()
    assert page.get_by_test_id("withdraw-report").count() == 0  # only the employee withdraws
    screenshot(page, "3-accountant-report")


def test_a_rule_with_an_inactive_target_stays_visible(
    page, live_server, screenshot, company, accountant, books
):
    from rules.models import Rule

    Rule.objects.create(
        company=company,
        name="Cloud hosting",
        keyword="hosting",
        project=books["project"],
        finance_account=books["account"],
    )
    make_document(
        company, status="published", lines=[("Hosting May", "100.00")], fields={"invoice_number": "H-1"}
    )
    books["project"].is_active = False
    books["project"].save()
    login(page, live_server, "accountant")
    page.goto(f"{live_server.url}/dashboard/")
    assert "1 rule paused: Cloud hosting" in page.get_by_test_id("paused-rules").inner_text()
    screenshot(page, "1-overview-flag")
    page.get_by_test_id("paused-rules").get_by_role("link", name="Cloud hosting").click()
    assert "project Website is no longer active in Scoro" in page.get_by_test_id("rule-broken").inner_text()
    assert (
        page.get_by_test_id("rule-project").locator("option:checked").inner_text()
        == "Website (inactive in Scoro)"
    )
    page.get_by_test_id("rule-preview").click()
    page.get_by_test_id("preview").wait_for()
    assert "A rule needs at least one action" not in page.content()
    screenshot(page, "2-editor-preview")
    page.goto(f"{live_server.url}/rules/")
    assert page.get_by_test_id("rule-paused").inner_text() == "Paused: project Website inactive in Scoro"
    screenshot(page, "3-rule-list")
