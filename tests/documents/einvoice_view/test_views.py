"""The readable view on the review screen, the printable page, "Open original" and embedded-file downloads,
for real dev e-invoices uploaded and read by the real pipeline; another company's document is not found."""

from __future__ import annotations

import base64
import html
import re

import pytest

from documents.views_review import REVIEW_EINVOICE_LINES
from extraction.services import extraction_run
from tests.extraction.einvoice_view.devset import dev_file
from tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db

FIELDS_SHOWN = (
    "supplier_name",
    "supplier_vat_no",
    "invoice_number",
    "issue_date",
    "due_date",
    "currency",
    "total",
    "subtotal",
    "tax_total",
    "iban",
    "po_number",
)


def _uploaded(company, name: str):
    """The dev file stored as intake stores it (the intake gate itself is tested elsewhere), then read by
    the real extraction pipeline."""
    content_type = "application/pdf" if name.endswith(".pdf") else "application/xml"
    document = DocumentFactory(
        company=company, content=dev_file(name), filename=name, content_type=content_type, status="received"
    )
    return extraction_run(document_id=document.pk)


def _xml_paths(content: bytes) -> set[str]:
    return set(re.findall(r'data-xml-path="([^"]+)"', content.decode()))


@pytest.mark.parametrize(
    "name", ["zfc__CII_EN16931_Rabatte.cii.xml", "xrt__standard_01.15a-INVOICE_ubl.xml", "finvgs__1.2.xml"]
)
def test_review_page_shows_the_einvoice_and_every_read_field_has_a_rendered_place(
    client, company, accountant, name
):
    document = _uploaded(company, name)
    assert document.extraction_source == "einvoice_xml"
    client.force_login(accountant)
    page = client.get(f"/documents/{document.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="einvoice"' in text and "has no page image" not in text
    assert html.escape(document.supplier_name) in text
    rendered = _xml_paths(page.content)
    # The provenance highlight needs the element each header field was read from on the page.
    read = {
        f: p["xml_path"]
        for f, p in document.provenance.items()
        if f in FIELDS_SHOWN and isinstance(p, dict) and p.get("xml_path")
    }
    assert read, "the extractor gave XML provenance"
    missing = {f: p for f, p in read.items() if p not in rendered}
    assert not missing


def test_printable_page_and_original_download(client, company, accountant):
    data = dev_file("zfc__UBL_EN16931_Rabatte.ubl.xml")
    document = _uploaded(company, "zfc__UBL_EN16931_Rabatte.ubl.xml")
    client.force_login(accountant)
    page = client.get(f"/documents/{document.pk}/einvoice/")
    assert page.status_code == 200
    assert b"css/einvoice.css" in page.content and b'data-testid="print"' in page.content
    assert b'data-testid="einvoice-lines"' in page.content and b'data-testid="einvoice-vat"' in page.content
    original = client.get(f"/documents/{document.pk}/original/")
    assert original.status_code == 200
    assert b"".join(original.streaming_content) == data
    assert original["Content-Disposition"].startswith("attachment")
    assert original["X-Content-Type-Options"] == "nosniff"


def test_api_file_link_serves_the_xml_bytes(company, accountant, api_client_for):
    data = dev_file("xrt__standard_01.04a-INVOICE_uncefact.xml")
    document = _uploaded(company, "xrt__standard_01.04a-INVOICE_uncefact.xml")
    response = api_client_for(accountant).get(f"/api/v1/documents/{document.pk}/file/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data


def test_embedded_attachment_is_listed_and_downloads_as_a_file(client, company, accountant):
    document = _uploaded(company, "xrt__standard_01.15a-INVOICE_ubl.xml")
    client.force_login(accountant)
    page = client.get(f"/documents/{document.pk}/")
    assert b'data-testid="embedded-files"' in page.content
    links = re.findall(rf'href="(/documents/{document.pk}/embedded/[0-9]+/)"', page.content.decode())
    assert len(links) == 1
    download = client.get(links[0])
    assert download.status_code == 200 and download.content.startswith(b"%PDF-")
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    for missing in (0, 2, 99):
        assert client.get(f"/documents/{document.pk}/embedded/{missing}/").status_code == 404


def test_facturx_pdf_offers_the_einvoice_view_beside_its_pages(client, company, accountant):
    document = _uploaded(company, "zf24__EN16931_Elektron_Anlage_XML.pdf")
    assert document.extraction_source == "einvoice_pdf"
    client.force_login(accountant)
    page = client.get(f"/documents/{document.pk}/")
    assert b'id="einvoice-sheet"' in page.content
    assert len(re.findall(rb'data-testid="embedded-download"', page.content)) == 2
    assert client.get(f"/documents/{document.pk}/einvoice/").status_code == 200


def test_other_company_gets_not_found_everywhere(client, company, other_user, accountant):
    document = _uploaded(company, "xrt__standard_01.15a-INVOICE_ubl.xml")
    client.force_login(accountant)
    (link,) = re.findall(
        rf'href="(/documents/{document.pk}/embedded/[0-9]+/)"',
        client.get(f"/documents/{document.pk}/").content.decode(),
    )
    client.force_login(other_user)
    for url in (
        f"/documents/{document.pk}/",
        f"/documents/{document.pk}/einvoice/",
        f"/documents/{document.pk}/original/",
        link,
    ):
        assert client.get(url).status_code == 404, url


def test_a_pdf_without_einvoice_has_no_readable_view(client, company, accountant):
    document = extraction_run(
        document_id=DocumentFactory(company=company, content=dev_file("i2d__QualityHosting.pdf")).pk
    )
    client.force_login(accountant)
    assert client.get(f"/documents/{document.pk}/einvoice/").status_code == 404
    assert b'id="einvoice-sheet"' not in client.get(f"/documents/{document.pk}/").content


def test_a_long_invoice_shows_its_first_lines_on_review_and_all_when_printed(client, company, accountant):
    data = dev_file("peppol__examples_vat-category-O.xml")
    start, end = (
        data.index(b"<cac:InvoiceLine>"),
        data.index(b"</cac:InvoiceLine>") + len(b"</cac:InvoiceLine>"),
    )
    many = data[:start] + data[start:end] * 320 + data[end:]
    document = DocumentFactory(
        company=company, content=many, filename="long.xml", content_type="application/xml"
    )
    client.force_login(accountant)
    review = client.get(f"/documents/{document.pk}/").content.decode()
    assert review.count('<tbody class="einv-line') == REVIEW_EINVOICE_LINES
    assert 'data-testid="einvoice-more-lines"' in review
    printable = client.get(f"/documents/{document.pk}/einvoice/").content.decode()
    assert printable.count('<tbody class="einv-line') == 320


def test_broken_or_forged_content_never_errors_and_refused_files_are_not_served(client, company, accountant):
    broken = DocumentFactory(
        company=company, content=b"<Invoice><cbc:ID>1", filename="x.xml", content_type="application/xml"
    )
    fake_pdf = DocumentFactory(
        company=company, content=b"%PDF-1.4 truncated", extraction_source="einvoice_pdf"
    )
    client.force_login(accountant)
    assert b"cannot be shown as an e-invoice" in client.get(f"/documents/{broken.pk}/").content
    for document in (broken, fake_pdf):
        assert client.get(f"/documents/{document.pk}/").status_code == 200
        assert client.get(f"/documents/{document.pk}/einvoice/").status_code == 404

    ubl = dev_file("xrt__standard_01.15a-INVOICE_ubl.xml")
    forged = re.sub(
        rb"(<cbc:EmbeddedDocumentBinaryObject[^>]*>)[^<]*",
        rb"\g<1>" + base64.b64encode(b"<html><script>alert(1)</script></html>"),
        ubl,
        count=1,
    )
    document = DocumentFactory(
        company=company, content=forged, filename="forged.xml", content_type="application/xml"
    )
    page = client.get(f"/documents/{document.pk}/").content.decode()
    assert "refused: type not allowed" in page and 'data-testid="embedded-download"' not in page
    assert client.get(f"/documents/{document.pk}/embedded/1/").status_code == 404
