"""An approver decides from the e-mail: the links in the captured mails, opened in a browser with no
session, approve one invoice and reject another with a reason; the used link then says so."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.a11y import assert_accessible
from tests.browser_fixtures import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LINK = re.compile(r"https?://\S+/approvals/email/[^/\s]+/(?:approve|reject)/")


def _links_for(title: str) -> dict[str, str]:
    message = next(m for m in mail.outbox if m.subject.startswith("Approval needed") and title in m.subject)
    found = LINK.findall(message.body)
    return {url.rstrip("/").rsplit("/", 1)[1]: url for url in found}


def test_approve_one_and_reject_another_from_the_email(
    page, live_server, screenshot, settings, company, approver, accountant, admin_user
):
    from decimal import Decimal

    from approvals.services import approval_start_if_required, approval_workflow_save
    from documents.models import Document
    from documents.selectors import rejection_for
    from tests.factories import DocumentFactory, ProjectFactory

    settings.SITE_URL = live_server.url  # the links in the e-mails point at this server
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
    office = ProjectFactory(company=company, name="Office move")
    chairs, laptops = (
        DocumentFactory(
            company=company,
            status="to_review",
            supplier_name=supplier,
            invoice_number=number,
            currency="EUR",
            total=Decimal(total),
            project=office,
            uploaded_by=accountant,
        )
        for supplier, number, total in (
            ("Kontorikaubad AS", "KA-2026-017", "7000.00"),
            ("Arvutimaailm OÜ", "AM-5521", "12480.00"),
        )
    )
    for document in (chairs, laptops):
        assert approval_start_if_required(document=document, actor=accountant)

    # 1. The chairs: the approve link from the mail, no log-in.
    page.goto(_links_for("KA-2026-017")["approve"])
    card = page.get_by_test_id("link-page")
    assert "Approve this?" in card.inner_text()
    assert "Kontorikaubad AS" in card.inner_text() and "7000.00 EUR" in card.inner_text()
    assert "deciding as Mari Tamm" in card.inner_text()
    assert_accessible(page, "approve link page")
    screenshot(page, "1-approve-page")
    chairs.refresh_from_db()
    assert chairs.status == "in_approval"  # opening the link decided nothing

    page.get_by_label("Comment (optional)").fill("Budgeted in Q1.")
    page.get_by_test_id("link-approve").click()
    page.wait_for_url(re.compile(r"/done/$"))
    assert "You approved Kontorikaubad AS KA-2026-017." in page.get_by_test_id("link-done").inner_text()
    screenshot(page, "2-approved")
    chairs.refresh_from_db()
    assert chairs.status == "ready"

    # 2. The laptops: the reject link; a reason is required.
    page.goto(_links_for("AM-5521")["reject"])
    assert "Reject this?" in page.get_by_test_id("link-page").inner_text()
    page.get_by_test_id("link-reject").click()
    page.wait_for_load_state()
    assert "Give a reason for the rejection." in page.get_by_test_id("link-error").inner_text()
    assert_accessible(page, "reject link page with its error")
    screenshot(page, "3-reject-needs-a-reason")
    laptops.refresh_from_db()
    assert laptops.status == "in_approval"

    page.get_by_label("Reason").fill("Only 10 laptops were ordered, not 12.")
    page.get_by_test_id("link-reject").click()
    page.wait_for_url(re.compile(r"/done/$"))
    assert "You rejected Arvutimaailm OÜ AM-5521" in page.get_by_test_id("link-done").inner_text()
    assert_accessible(page, "done page")
    screenshot(page, "4-rejected")
    laptops.refresh_from_db()
    assert laptops.status == "rejected"
    assert rejection_for(document=laptops).reason == "Only 10 laptops were ordered, not 12."

    # 3. The first mail's link again: used.
    page.goto(_links_for("KA-2026-017")["approve"])
    assert "This link was already used." in page.get_by_test_id("link-refused").inner_text()
    assert_accessible(page, "used link page")
    screenshot(page, "5-link-already-used")

    # 4. The accountant sees both outcomes in Envoice, the reason on the rejected one.
    login(page, live_server, "accountant")
    page.goto(f"{live_server.url}/documents/{laptops.pk}/")
    assert "Only 10 laptops were ordered, not 12." in page.content()
    screenshot(page, "6-accountant-sees-the-rejection")
    assert Document.objects.get(pk=chairs.pk).status == "ready"
