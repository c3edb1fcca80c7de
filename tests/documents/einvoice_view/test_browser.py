"""In Debian's chromium: the readable view of a German CII invoice and a UBL one on the review screen, the
provenance highlight on the rendered value of the field in focus, the printable page (screen and print
media) and a Factur-X PDF switching between its pages and its e-invoice data. Screenshots go to
test-results/<test>/."""

from __future__ import annotations

import pytest

from documents.tasks import generate_previews
from extraction.services import extraction_run
from tests.browser_fixtures import login
from tests.extraction.einvoice_view.devset import dev_file
from tests.factories import DocumentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _read(company, name: str):
    content_type = "application/pdf" if name.endswith(".pdf") else "application/xml"
    document = DocumentFactory(
        company=company, content=dev_file(name), filename=name, content_type=content_type, status="received"
    )
    return extraction_run(document_id=document.pk)


@pytest.mark.parametrize(
    "name",
    ["zfc__CII_EN16931_Rabatte.cii.xml", "zfc__UBL_XRECHNUNG_Elektron.ubl.xml", "finvgs__1.2.xml"],
    ids=["cii-de", "ubl", "finvoice"],
)
def test_readable_view_on_the_review_screen(page, live_server, screenshot, company, accountant, name):
    document = _read(company, name)
    login(page, live_server, "accountant")
    page.goto(f"{live_server.url}/documents/{document.pk}/")
    sheet = page.locator("[data-testid=einvoice]")
    sheet.wait_for()
    assert page.locator("text=has no page image").count() == 0
    assert sheet.locator("[data-testid=einvoice-lines] tbody").count() >= 1
    assert sheet.locator("[data-testid=einvoice-totals] tr").count() >= 3
    screenshot(page, "review")

    # Focusing the total highlights the rendered total, and only one element at a time.
    page.locator("[data-testid=field-total]").focus()
    highlighted = sheet.locator(".einv-hl")
    highlighted.wait_for()
    assert highlighted.count() == 1
    assert highlighted.inner_text().replace(",", "").endswith(str(document.total))
    page.locator("[data-testid=field-invoice_number]").focus()
    assert sheet.locator(".einv-hl").inner_text().strip() == document.invoice_number
    screenshot(page, "highlight")
    # A line of the form highlights its rendered line.
    page.locator('[name$="-description"]').nth(1).focus()
    line = sheet.locator("tbody.einv-hl")
    line.wait_for()
    assert (
        line.locator(".einv-item").inner_text() == page.locator('[name$="-description"]').nth(1).input_value()
    )

    printable = page.context.new_page()
    printable.goto(f"{live_server.url}/documents/{document.pk}/einvoice/")
    printable.locator("[data-testid=einvoice]").wait_for()
    screenshot(printable, "printable")
    printable.emulate_media(media="print")
    assert printable.locator(".einv-toolbar").is_hidden()
    screenshot(printable, "print-media")
    printable.close()


def test_facturx_pdf_switches_between_pages_and_einvoice_data(
    page, live_server, screenshot, company, accountant
):
    document = _read(company, "zf24__EN16931_Elektron_Anlage_XML.pdf")
    generate_previews(document.pk)  # the page images, as the background task renders them
    login(page, live_server, "accountant")
    page.goto(f"{live_server.url}/documents/{document.pk}/")
    page.locator("[data-testid=page]").first.wait_for()
    assert page.locator("#einvoice-sheet").is_hidden()
    assert page.locator("[data-testid=embedded-file]").count() == 2
    page.locator("[data-testid=einvoice-toggle]").click()
    assert page.locator("#einvoice-sheet").is_visible()
    assert page.locator("[data-testid=page]").first.is_hidden()
    screenshot(page, "einvoice-data")
