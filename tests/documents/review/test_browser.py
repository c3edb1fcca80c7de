"""In Debian's chromium: Inbox → review → correct → code → record; a rule applied to the next
document; an expense report with a per-line project, built and submitted."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from documents.models import DocumentPage
from tests.browser_fixtures import login
from tests.factories import make_document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page_image(document, lines):
    image = Image.new("RGB", (1000, 1400), "white")
    draw = ImageDraw.Draw(image)
    for (x, y), text in lines:
        draw.text((x, y), text, fill="black", font_size=28)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    DocumentPage.objects.create(document=document, number=1, image=ContentFile(buf.getvalue(), name="1.png"))
    document.page_count = 1
    document.save(update_fields=["page_count"])


def _invoice(company):
    document = make_document(
        company,
        lines=[("Cloud server May", "80.00"), ("Backup storage", "20.00")],
        fields={"supplier_vat_no": "EE100200300", "total": "120.00"},
        confidence={
            "supplier_name": 0.97,
            "invoice_number": 0.95,
            "issue_date": 0.9,
            "total": 0.45,
            "subtotal": 0.9,
        },
    )
    document.warnings = ["Subtotal 100.00 + tax 22.00 does not equal the total 120.00"]
    document.provenance = {
        "total": {"page": 1, "bbox": [700, 1100, 930, 1150], "page_width": 1000, "page_height": 1400},
        "invoice_number": {"page": 1, "bbox": [600, 120, 900, 160], "page_width": 1000, "page_height": 1400},
    }
    document.save()
    _page_image(
        document,
        [
            ((80, 100), "Zone Media OÜ"),
            ((600, 125), "Invoice INV-1001"),
            ((80, 160), "VAT EE100200300"),
            ((80, 400), "Cloud server May"),
            ((800, 400), "80.00"),
            ((80, 450), "Backup storage"),
            ((800, 450), "20.00"),
            ((600, 1000), "Subtotal 100.00"),
            ((600, 1050), "VAT 22% 22.00"),
            ((600, 1110), "TOTAL EUR 122.00"),
        ],
    )
    return document


def test_inbox_review_correct_code_record(page, live_server, screenshot, company, accountant, books):
    document = _invoice(company)
    make_document(
        company,
        fields={
            "supplier_name": "Telia Eesti AS",
            "invoice_number": "T-77",
            "total": "35.40",
            "subtotal": "29.02",
            "tax_total": "6.38",
        },
    )
    login(page, live_server, "accountant")
    page.goto(f"{live_server.url}/documents/")
    page.get_by_text("2 documents").wait_for()
    screenshot(page, "1-inbox")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/documents/{document.pk}/$"))
    # The inconsistent total is marked with the reason; clicking it shows where it was read.
    assert "does not equal the total 120.00" in page.get_by_test_id("problem-total").first.inner_text()
    page.get_by_test_id("field-total").click()
    page.get_by_test_id("provenance-box").wait_for()
    screenshot(page, "2-review-provenance")

    page.get_by_test_id("field-total").fill("122.00")
    page.get_by_test_id("coding-supplier").select_option(str(books["supplier"].pk))
    page.get_by_test_id("coding-project").select_option(str(books["project"].pk))
    page.get_by_test_id("coding-account").select_option(str(books["account"].pk))
    page.get_by_test_id("coding-tax").select_option(str(books["tax"].pk))
    page.get_by_test_id("line-project").nth(1).select_option(str(books["project2"].pk))
    page.get_by_test_id("record").click()
    page.get_by_test_id("status").filter(has_text="Ready").wait_for()
    screenshot(page, "3-recorded")
    document.refresh_from_db()
    assert document.status == "ready" and document.total == 122
    assert document.corrected_fields == ["total"]
    assert document.lines.order_by("position").last().effective("project") == books["project2"]
    assert "Recorded" in page.get_by_test_id("trail").inner_text()


def test_record_refusal_names_what_is_missing(page, live_server, screenshot, company, accountant, books):
    document = _invoice(company)
    login(page, live_server, "accountant")
    page.goto(f"{live_server.url}/documents/{document.pk}/")
    page.get_by_test_id("record").click()
    page.get_by_text("Cannot record: missing supplier, finance account, project").wait_for()
    screenshot(page, "refused")


def test_rule_created_in_the_browser_codes_the_next_document(
    page, live_server, screenshot, company, accountant, books
):
    from rules.services import rules_apply

    make_document(
        company, fields={"supplier_name": "Hosting Partners OÜ", "invoice_number": "H-1"}, status="published"
    )
    login(page, live_server, "accountant")
    page.goto(f"{live_server.url}/rules/new/")
    page.fill("input[name=name]", "Cloud hosting")
    page.get_by_test_id("rule-keyword").fill("hosting")
    page.get_by_test_id("rule-project").select_option(str(books["project2"].pk))
    page.get_by_test_id("rule-account").select_option(str(books["account"].pk))
    page.get_by_test_id("rule-preview").click()
    page.get_by_test_id("preview").get_by_text("Hosting Partners OÜ H-1").wait_for()
    assert "project → Cloud platform" in page.get_by_test_id("preview").inner_text()
    screenshot(page, "1-rule-preview")
    page.get_by_test_id("rule-save").click()
    page.get_by_test_id("rule-list").get_by_text("Cloud hosting").wait_for()
    screenshot(page, "2-rules")

    # The next document arrives and is read: extraction hands it to the rules.
    document = make_document(
        company, fields={"supplier_name": "Hosting Partners OÜ", "invoice_number": "H-2"}
    )
    document.text = "Hosting Partners OÜ\nManaged hosting, June"
    document.save()
    rules_apply(document=document)
    page.goto(f"{live_server.url}/documents/{document.pk}/")
    assert page.get_by_test_id("coding-project").input_value() == str(books["project2"].pk)
    assert page.get_by_test_id("source-project").inner_text() == "set by rule: Cloud hosting"
    screenshot(page, "3-applied")


def test_employee_builds_and_submits_expense_report_with_per_line_project(
    page, live_server, screenshot, company, employee, books
):
    from bookkeeping.models import DimensionGroup

    DimensionGroup.objects.update_or_create(
        company=company, name="Project", defaults={"show_on_expense_form": True}
    )
    # Coded already (a rule set the account), so nothing holds the report up once submitted.
    taxi = make_document(
        company,
        type="receipt",
        uploaded_by=employee,
        finance_account=books["account"],
        fields={
            "supplier_name": "Bolt",
            "invoice_number": "B-1",
            "total": "14.60",
            "subtotal": None,
            "tax_total": None,
        },
    )
    lunch = make_document(
        company,
        type="receipt",
        uploaded_by=employee,
        finance_account=books["account"],
        fields={
            "supplier_name": "Vapiano",
            "invoice_number": "V-9",
            "total": "32.10",
            "subtotal": None,
            "tax_total": None,
        },
    )
    login(page, live_server, "employee")
    page.goto(f"{live_server.url}/documents/reports/")
    page.get_by_test_id("new-report").click()
    page.fill("input[name=title]", "Client visit, Riga")
    page.fill("input[name=period_start]", "2024-05-01")
    page.fill("input[name=period_end]", "2024-05-31")
    page.get_by_test_id("report-project").select_option(str(books["project"].pk))
    screenshot(page, "1-new-report")
    page.get_by_test_id("create-report").click()
    page.get_by_test_id("add-from-inbox").locator("input[type=checkbox]").first.check()
    page.get_by_test_id("add-from-inbox").locator("input[type=checkbox]").last.check()
    page.get_by_test_id("add-receipts").click()
    page.get_by_text("Added 2 receipts").wait_for()
    page.get_by_test_id("receipt-project").last.select_option(str(books["project2"].pk))
    page.get_by_test_id("save-projects").click()
    page.get_by_text("Projects saved").wait_for()
    assert page.get_by_test_id("reimbursable").inner_text().startswith("46.70")
    screenshot(page, "2-report")
    page.get_by_test_id("submit-report").click()
    # No workflow and no manager, every receipt read and coded: submitting confirms the report.
    page.get_by_test_id("report-status").filter(has_text="Confirmed").wait_for()
    screenshot(page, "3-submitted")
    taxi.refresh_from_db()
    lunch.refresh_from_db()
    assert {taxi.project, lunch.project} == {books["project"], books["project2"]}
    assert taxi.expense_report.status == "confirmed"
