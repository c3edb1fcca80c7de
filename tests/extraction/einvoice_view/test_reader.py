"""The readable view's reader on the real dev e-invoices (UBL, CII, ZUGFeRD 1.0, Factur-X PDFs, Finvoice),
checked against the set's own labels, and the constructs a person must see (allowances and charges,
sub-invoice lines, credit notes, payment means, notes) read from the files that carry them."""

from __future__ import annotations

import base64
import re
from decimal import Decimal

import pytest

from extraction.einvoice_view import embedded_files, read_view
from extraction.einvoice_view.attachments import MAX_FILE_BYTES, sniff
from extraction.engine.result import ExtractionError
from tests.extraction.einvoice_view.devset import dev_file, labelled

EINVOICES = labelled("einvoice_xml", "einvoice_pdf")


def _num(text: str | None) -> Decimal | None:
    return Decimal(text.replace(",", "")) if text else None


def _totals(view) -> dict[str, str]:
    return {label: value.text for label, value, _strong in view.totals.rows}


@pytest.mark.parametrize("name,fields", EINVOICES, ids=[n for n, _ in EINVOICES])
def test_every_dev_einvoice_renders_what_its_label_says(name, fields):
    view = read_view(dev_file(name))
    assert view.number.text == fields["invoice_number"]
    assert view.issue_date.text == fields["issue_date"]
    if fields["supplier_name"]:
        assert view.seller.name.text == fields["supplier_name"]
    if fields["due_date"]:
        assert view.due_date.text == fields["due_date"]
    if fields["total"]:
        assert _num(_totals(view)["Total with VAT"]) == Decimal(fields["total"])
    if fields["tax_lines"]:
        assert sorted(_num(r.amount.text) for r in view.vat) == sorted(
            Decimal(t["amount"]) for t in fields["tax_lines"]
        )
    shown = {_num(line.total.text) for line in view.lines if line.total}
    for line in fields["lines"] or []:
        if line.get("total"):
            assert Decimal(line["total"]) in shown
    # Every value that claims an XML origin names a real element path.
    for _label, value, _strong in view.totals.rows:
        assert value.path.startswith("/") and "/" in value.path[1:]


def test_cii_with_document_and_line_allowances_shows_them_with_reasons_and_vat():
    view = read_view(dev_file("zfc__CII_EN16931_Rabatte.cii.xml"))
    assert view.syntax == "CII" and view.title == "Invoice"
    kinds = [(ac.label, ac.amount.text) for ac in view.allowances_charges]
    assert ("Charge", "1.00") in kinds or any(k == "Charge" for k, _ in kinds)
    assert all(ac.reason for ac in view.allowances_charges)
    assert all(ac.vat for ac in view.allowances_charges)
    # The gross price and its discount stay visible next to the net price.
    first = view.lines[0]
    assert first.gross_price and first.price_discount and first.net_price
    assert first.notes  # the line's own note
    totals = _totals(view)
    assert {"Allowances", "Charges", "Total without VAT", "VAT", "Total with VAT", "Amount due"} <= set(
        totals
    )
    assert view.seller.vat_ids and view.seller.vat_ids[0].text.startswith("DE")
    assert view.seller.address.city and view.buyer.name
    assert any(note.startswith("Regulatory information:") for note in view.notes)


def test_ubl_peppol_invoice_parties_references_payment():
    view = read_view(dev_file("peppol__examples_base-example.xml"))
    assert view.syntax == "UBL"
    labels = dict((label, value.text) for label, value in view.references)
    assert "Buyer reference" in labels or "Order" in labels
    assert view.seller.endpoint and view.buyer.endpoint
    means = view.payment_means[0]
    assert means.iban and means.iban.path.endswith("/PayeeFinancialAccount/ID")
    assert means.remittance and means.kind == "Credit transfer"
    assert view.payment_terms
    assert view.allowances_charges
    assert view.number.path.endswith("/Invoice/ID")


def test_ubl_credit_note_is_titled_as_one():
    view = read_view(dev_file("zfc__UBL_ubl-tc434-creditnote1.xml"))
    assert view.title == "Credit note"
    assert view.lines and view.lines[0].quantity


def test_extended_sub_invoice_lines_are_indented_under_their_group():
    view = read_view(dev_file("zf24__Extended_SubInvoiceLines_Hardware_Bsp2.pdf"))
    groups = [line for line in view.lines if line.is_group]
    children = [line for line in view.lines if line.level > 0]
    assert groups and children
    assert view.lines.index(groups[0]) < view.lines.index(children[0])


def test_zugferd_1_in_a_pdf_is_read_from_its_embedded_xml():
    view = read_view(dev_file("zfc__Intarsys_ZUGFeRD_1p0_COMFORT_Rabatte.pdf"))
    assert view.syntax == "ZUGFeRD 1.0"
    assert view.lines and view.vat and view.allowances_charges


def test_finvoice_decimal_comma_rows_and_accounts():
    view = read_view(dev_file("finvgs__1.2.xml"))
    assert view.syntax == "Finvoice"
    assert _totals(view)["Total with VAT"] == "3,352.98"
    assert view.seller.trading_name  # the second organisation name
    assert len(view.payment_means) >= 2 and all(pm.bic for pm in view.payment_means)
    # IBANs in groups of four, as on paper.
    assert all(re.fullmatch(r"[A-Z]{2}\d{2}( [A-Z0-9]{1,4})+", pm.iban.text) for pm in view.payment_means)
    assert any(line.level == 1 for line in view.lines)  # a SubInvoiceRow
    assert any("Cash discount" in term for term in view.payment_terms)


def test_not_an_einvoice_and_unsafe_xml_are_refused():
    with pytest.raises(ExtractionError):
        read_view(b"<?xml version='1.0'?><note><to>x</to></note>")
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Invoice>&a;</Invoice>'
    with pytest.raises(ExtractionError):
        read_view(bomb)
    with pytest.raises(ExtractionError):
        read_view(b"%PDF-1.4 not really a pdf")


# ------------------------------------------------------------------ embedded files
def test_files_in_a_facturx_pdf_beside_the_xml_are_offered_with_their_real_type():
    files = embedded_files(dev_file("zf24__EN16931_Elektron_Anlage_XML.pdf"))
    by_type = {f.content_type: f for f in files}
    assert set(by_type) == {"application/pdf", "image/png"}
    # Aufmass.pdf is both in the XML (base64) and beside it in the PDF: offered once.
    assert all(f.content and f.size == len(f.content) and f.source in ("XML", "PDF") for f in files)
    assert not any(f.name.endswith(".xml") for f in files)  # the invoice XML itself is not an attachment


def test_base64_attachments_in_ubl_and_cii_are_decoded():
    for name in ("xrt__standard_01.15a-INVOICE_ubl.xml", "xrt__standard_01.15a-INVOICE_uncefact.xml"):
        (found,) = embedded_files(dev_file(name))
        assert found.content_type == "application/pdf" and found.content.startswith(b"%PDF-")
        assert found.source == "XML" and found.name.endswith(".pdf")


def _with_attachment(data: bytes, *, filename: str, mime: str, content: bytes | str) -> bytes:
    """The real UBL file with its embedded attachment replaced (the rest of the invoice untouched)."""
    payload = content if isinstance(content, str) else base64.b64encode(content).decode()
    pattern = re.compile(
        rb"(<cbc:EmbeddedDocumentBinaryObject)[^>]*>[^<]*(</cbc:EmbeddedDocumentBinaryObject>)"
    )
    replacement = rf'\1 mimeCode="{mime}" filename="{filename}">{payload}\2'.encode()
    out, count = pattern.subn(replacement, data, count=1)
    assert count == 1
    return out


def test_embedded_files_are_never_trusted():
    ubl = dev_file("xrt__standard_01.15a-INVOICE_ubl.xml")
    html = _with_attachment(
        ubl, filename="invoice.pdf", mime="application/pdf", content=b"<html><script>x</script>"
    )
    (forged,) = embedded_files(html)
    assert forged.refused and forged.content is None and forged.content_type == ""

    exe = _with_attachment(
        ubl, filename="report.pdf", mime="application/pdf", content=b"MZ\x90\x00\x03" + b"\x00" * 64
    )
    assert embedded_files(exe)[0].refused

    png = base64.b64decode(base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32))
    renamed = _with_attachment(ubl, filename="../../etc/passwd", mime="application/pdf", content=png)
    (item,) = embedded_files(renamed)
    assert item.content_type == "image/png" and item.name == "passwd.png"

    broken = _with_attachment(ubl, filename="a.pdf", mime="application/pdf", content="!!!not base64!!!")
    assert embedded_files(broken)[0].refused == "not valid base64"

    huge = _with_attachment(
        ubl, filename="big.pdf", mime="application/pdf", content="A" * (MAX_FILE_BYTES * 4 // 3 + 8)
    )
    (big,) = embedded_files(huge)
    assert big.refused == "larger than the size limit" and big.content is None


def test_sniff_decides_from_bytes_not_from_the_declared_type():
    assert sniff(b"%PDF-1.7\n...", "image/png") == "application/pdf"
    assert sniff(b"a;b\n1;2\n", "text/csv", "x.csv") == "text/csv"
    assert sniff(b"a;b\x00", "text/csv", "x.csv") == ""
    assert sniff(b"<svg onload=alert(1)>", "image/svg+xml", "x.svg") == ""
    assert sniff(b"<?xml version='1.0'?><svg:svg xmlns:svg='x'/>", "application/xml", "x.xml") == ""
    assert sniff(b"<?xml version='1.0'?><data/>", "application/xml", "x.xml") == "application/xml"
