"""An approver approves a pending document in the browser; the accountant then sees it Ready."""

import re

import pytest

from tests.browser_fixtures import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_approver_approves_and_accountant_sees_ready(
    page, live_server, screenshot, company, approver, accountant, admin_user
):
    from decimal import Decimal

    from approvals.services import approval_start_if_required, approval_workflow_save
    from tests.factories import DocumentFactory, ProjectFactory

    approver.first_name, approver.last_name = "Mari", "Tamm"
    approver.save()
    approval_workflow_save(
        company=company,
        actor=admin_user,
        name="Purchase invoices above 5,000.00",
        document_types=["purchase_invoice"],
        min_amount=Decimal("5000.00"),
        steps=[{"users": [approver]}],
    )
    document = DocumentFactory(
        company=company,
        status="to_review",
        supplier_name="Kontorikaubad AS",
        invoice_number="KA-2026-017",
        currency="EUR",
        subtotal=Decimal("5737.70"),
        tax_total=Decimal("1262.30"),
        total=Decimal("7000.00"),
        project=ProjectFactory(company=company, name="Office move"),
        uploaded_by=accountant,
    )
    assert approval_start_if_required(document=document, actor=accountant)

    login(page, live_server, "approver")
    assert page.get_by_test_id("approvals-badge").inner_text() == "1"
    page.goto(f"{live_server.url}/approvals/")
    item = page.get_by_test_id("approval-item")
    assert "Kontorikaubad AS" in item.inner_text() and "Office move" in item.inner_text()
    screenshot(page, "1-approver-queue")

    item.locator("textarea[name=comment]").first.fill("Budgeted in Q1.")
    item.get_by_test_id("approve").click()
    page.wait_for_load_state()
    assert "Approved: Kontorikaubad AS KA-2026-017." in page.locator(".messages").inner_text()
    assert page.get_by_test_id("approvals-empty").is_visible()
    assert "Budgeted in Q1." in page.get_by_test_id("approvals-recent").inner_text()
    assert page.get_by_test_id("approvals-badge").count() == 0
    screenshot(page, "2-approver-after-approve")

    page.context.clear_cookies()
    login(page, live_server, "accountant")
    page.goto(f"{live_server.url}/documents/archive/")
    row = page.get_by_test_id("document-list").locator("tr", has_text="KA-2026-017")
    assert re.search(r"\bReady\b", row.inner_text())
    screenshot(page, "3-accountant-archive")


def test_admin_adds_a_workflow_in_settings(page, live_server, screenshot, company, admin_user, approver):
    from approvals.demo import approval_workflow
    from approvals.models import ApprovalWorkflow

    approval_workflow(company)
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}/approvals/workflows/")
    assert "Purchase invoices above 5,000.00" in page.get_by_test_id("workflow-list").inner_text()
    screenshot(page, "1-workflow-list")

    page.get_by_test_id("new-workflow").click()
    page.fill("input[name=name]", "Receipts over 200")
    page.get_by_label("Receipt (expense)").check()
    page.fill("input[name=min_amount]", "200")
    page.get_by_test_id("step-form").first.get_by_label("Accountant").check()
    screenshot(page, "2-workflow-form")
    page.get_by_role("button", name="Save workflow").click()
    page.wait_for_url(f"{live_server.url}/approvals/workflows/")
    assert "Receipts over 200" in page.get_by_test_id("workflow-list").inner_text()
    workflow = ApprovalWorkflow.objects.get(name="Receipts over 200")
    assert workflow.document_types == ["receipt"] and workflow.steps.get().roles == ["accountant"]
    screenshot(page, "3-workflow-saved")
