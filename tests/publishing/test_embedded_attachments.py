"""Files embedded in an e-invoice go to the Scoro bill's Files, byte for byte, with "Publish all attachments"
on, and only the original without it — through a real Celery worker against the sandbox over HTTP."""

from __future__ import annotations

import hashlib

import pytest

from documents.einvoice_view import embedded_files_for
from publishing.services import publish_document
from tests.extraction.einvoice_view.devset import dev_file
from tests.publishing.conftest import wait_published

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _published_files(sandbox, attempt) -> dict[str, str]:
    """file name → md5 of the bytes the sandbox received."""
    return {f["file_name"]: f["hash"] for f in sandbox.store.files_for("bills", attempt.scoro_id)}


@pytest.mark.parametrize("publish_attachments", [True, False])
def test_facturx_pdf_attachments_follow_the_toggle(
    connection, make_document, accountant, sandbox, celery_worker, publish_attachments
):
    connection.publish_attachments = publish_attachments
    connection.save()
    data = dev_file("zf24__EN16931_Elektron_Anlage_XML.pdf")
    document = make_document(content=data, filename="elektron.pdf", extraction_source="einvoice_pdf")
    embedded = [f for f in embedded_files_for(document) if f.content is not None]
    assert len(embedded) == 2

    attempt = publish_document(document=document, actor=accountant)
    assert wait_published(document).status == "published", document.status
    attempt.refresh_from_db()

    files = _published_files(sandbox, attempt)
    expected = {"elektron.pdf": hashlib.md5(data).hexdigest()}
    if publish_attachments:
        expected |= {f.name: hashlib.md5(f.content).hexdigest() for f in embedded}
    assert files == expected


def test_base64_attachment_of_an_xml_invoice_is_published_once(
    connection, make_document, accountant, sandbox, celery_worker
):
    data = dev_file("xrt__standard_01.15a-INVOICE_ubl.xml")
    document = make_document(
        content=data, filename="invoice.xml", content_type="application/xml", extraction_source="einvoice_xml"
    )
    (attachment,) = embedded_files_for(document)

    attempt = publish_document(document=document, actor=accountant)
    assert wait_published(document).status == "published", document.status
    attempt.refresh_from_db()
    assert _published_files(sandbox, attempt) == {
        "invoice.xml": hashlib.md5(data).hexdigest(),
        attachment.name: hashlib.md5(attachment.content).hexdigest(),
    }
    # Publishing again (an update) does not upload the files a second time.
    uploaded = len(sandbox.records("files"))
    publish_document(document=document, actor=accountant)
    wait_published(document)
    assert len(sandbox.records("files")) == uploaded
