"""Upload over the REST API, end to end: checks, storage, duplicates, audit, background work."""

import hashlib

import pytest

from audit.selectors import audit_trail_for
from documents.models import Document
from tests import samples

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "data", "content_type", "pages"),
    [
        ("bill.pdf", samples.pdf(), "application/pdf", 1),
        ("photo.jpg", samples.image("JPEG"), "image/jpeg", 1),
        ("scan.png", samples.image("PNG"), "image/png", 1),
        ("iphone.heic", samples.heic(), "image/heic", 1),
        ("fax.tiff", samples.tiff_pages(3), "image/tiff", 3),
        ("einvoice.xml", samples.ubl(), "application/xml", 1),
        # The content decides, not the name: a PDF called .jpg is a PDF.
        ("misnamed.jpg", samples.pdf(), "application/pdf", 1),
    ],
)
def test_upload_each_accepted_type(upload, accountant, company, name, data, content_type, pages):
    response = upload(accountant, data, name, execute=False)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "received"
    assert body["type"] == "purchase_invoice"
    assert body["content_type"] == content_type
    assert body["page_count"] == pages
    assert body["links"]["file"].endswith(f"/api/v1/documents/{body['id']}/file/")
    assert body["links"]["self"].endswith(f"/api/v1/documents/{body['id']}/")
    assert body["links"]["review"] == f"http://testserver/documents/{body['id']}/"
    document = Document.objects.get(pk=body["id"])
    assert document.company == company
    assert document.uploaded_by == accountant
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    with document.original.open("rb") as fh:
        assert fh.read() == data  # stored untouched
    assert document.original.name.endswith(
        "." + {"image/tiff": "tif", "image/jpeg": "jpg"}.get(content_type, content_type.rsplit("/", 1)[1])
    )


def test_upload_runs_previews_and_extraction_after_commit(upload, accountant):
    response = upload(accountant, samples.pdf(), "acme.pdf", note="March paper")

    document = Document.objects.get(pk=response.json()["id"])
    assert document.status == "to_review"
    assert document.note == "March paper"
    assert document.invoice_number == "INV-2024-001"
    assert str(document.total) == "146.40"
    assert document.pages.count() == 1
    page = document.pages.get()
    assert page.width == 1000 and page.height > 1000
    verbs = [e.verb for e in audit_trail_for(target=document)]
    assert verbs[0] == "receive"
    assert {"previews", "start_extraction", "extract", "finish_extraction"} <= set(verbs)


def test_type_note_and_expense_report(upload, api_client_for, employee, company):
    from documents.models import ExpenseReport

    report = ExpenseReport.objects.create(company=company, title="Trip", employee=employee)
    response = upload(employee, samples.image("JPEG"), "receipt.jpg", expense_report=report.pk, execute=False)
    assert response.status_code == 201
    assert response.json()["type"] == "receipt"
    assert response.json()["expense_report"] == report.pk

    response = upload(employee, samples.pdf(), "sale.pdf", type="sales_invoice", execute=False)
    assert response.json()["type"] == "sales_invoice"
    # An employee's plain upload is a receipt by default.
    response = upload(employee, samples.image("PNG"), "r.png", execute=False)
    assert response.json()["type"] == "receipt"


def test_expense_report_of_someone_else_is_refused(upload, employee, accountant, company, other_company):
    from documents.models import ExpenseReport

    theirs = ExpenseReport.objects.create(company=company, title="Not mine", employee=accountant)
    response = upload(employee, samples.pdf(), expense_report=theirs.pk)
    assert response.status_code == 400
    assert Document.objects.count() == 0


def test_unknown_type_is_a_field_error(upload, accountant):
    response = upload(accountant, samples.pdf(), type="banana")
    assert response.status_code == 400
    assert "type" in response.json()


def test_anonymous_cannot_upload(client):
    response = client.post("/api/v1/documents/", {})
    assert response.status_code in (401, 403)
