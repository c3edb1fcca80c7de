"""The extraction task inside the product: stored results, supplier matching, failures, learning."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.selectors import audit_trail_for
from documents.models import Document
from extraction.models import ExtractionRun, SupplierHints
from extraction.services import learn_from_correction
from tests import samples
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def upload(api_client_for, accountant, django_capture_on_commit_callbacks):
    def do(data, name="bill.pdf"):
        with django_capture_on_commit_callbacks(execute=True):
            response = api_client_for(accountant).post(
                "/api/v1/documents/", {"file": SimpleUploadedFile(name, data)}, format="multipart"
            )
        assert response.status_code == 201, response.content
        return Document.objects.get(pk=response.json()["id"])

    return do


def test_fields_lines_and_denormalised_columns_are_stored(upload):
    document = upload(samples.ubl(number="UBL-77", total="122.00"), "e.xml")

    assert document.status == "to_review"
    assert document.extraction_source == "einvoice_xml"
    assert document.fields["invoice_number"] == "UBL-77"
    assert document.confidence["total"] > 0.9
    assert (
        document.invoice_number,
        str(document.total),
        str(document.subtotal),
        str(document.tax_total),
    ) == (
        "UBL-77",
        "122.00",
        "100.00",
        "22.00",
    )
    assert str(document.issue_date) == "2024-05-02" and str(document.due_date) == "2024-05-16"
    assert document.currency == "EUR" and document.supplier_name == "ACME Supplies OU"
    line = document.lines.get()
    assert (
        line.description,
        str(line.quantity),
        str(line.unit_price),
        str(line.total),
        str(line.tax_percent),
    ) == (
        "Consulting",
        "2.0000",
        "50.0000",
        "100.00",
        "22.00",
    )
    run = ExtractionRun.objects.get(document=document)
    assert run.source == "einvoice_xml" and not run.error


def test_supplier_matched_with_reason(upload, company):
    acme = ContactFactory(company=company, name="Acme Supplies", reg_no="12345678")
    ContactFactory(company=company, name="Someone Else", reg_no="999")
    document = upload(samples.pdf())
    assert document.supplier == acme
    assert "Registration number" in document.supplier_match_reason
    assert not any("bank account" in w for w in document.warnings)


def test_changed_bank_account_raises_a_fraud_warning(upload, company):
    ContactFactory(company=company, name="ACME Supplies OU", reg_no="12345678", iban="EE471000001020145685")
    document = upload(samples.pdf())
    assert any("differs from the one known" in w and "fraud" in w for w in document.warnings)
    extract_event = next(e for e in audit_trail_for(target=document) if e.verb == "extract")
    assert extract_event.data["warnings"]


def test_other_companys_contacts_are_not_candidates(upload, other_company):
    ContactFactory(company=other_company, name="ACME Supplies OU", reg_no="12345678")
    assert upload(samples.pdf()).supplier is None


def test_failure_is_stored_and_document_still_reaches_review(upload, monkeypatch):
    from extraction.engine import ExtractionError

    def boom(*args, **kwargs):
        raise ExtractionError("Time limit exceeded")

    monkeypatch.setattr("extraction.engine.extract", boom)
    document = upload(samples.pdf())
    assert document.status == "to_review"
    assert document.extraction_error == "Time limit exceeded"
    assert document.fields == {} and document.total is None
    verbs = [e.verb for e in audit_trail_for(target=document)]
    assert "extraction_failed" in verbs and verbs[-1] == "finish_extraction"


def test_engine_crash_is_stored_too(upload, monkeypatch):
    monkeypatch.setattr("extraction.engine.extract", lambda *a, **k: 1 / 0)
    document = upload(samples.pdf())
    assert document.status == "to_review"
    assert "ZeroDivisionError" in document.extraction_error


def test_company_rules_code_the_extracted_document(upload, company, accountant):
    from rules.services import rule_save
    from tests.factories import ProjectFactory

    project = ProjectFactory(company=company, name="Website")
    rule_save(
        company=company,
        rule=None,
        data={"name": "Paper to Website", "keyword": "office paper", "project": project.pk},
        actor=accountant,
    )
    document = upload(samples.pdf())
    assert document.status == "to_review"
    assert document.project == project
    assert not any("could not be applied" in w for w in document.warnings)


BILL = """Globex Corporation
Bill no   GX/0042
Billed on 03/04/2024
Amount payable 250.00 USD
"""


def test_learning_from_corrections_is_used_for_the_next_document(upload, company, accountant):
    supplier = ContactFactory(company=company, name="Globex Corporation")
    first = upload(samples.pdf(BILL), "gx1.pdf")
    assert first.supplier == supplier

    # The accountant fixes the number and the date (it is an American bill: March 4th → April 3rd? no: MDY).
    learn_from_correction(document=first, field="invoice_number", value="GX/0042", actor=accountant)
    hints = learn_from_correction(document=first, field="issue_date", value="2024-03-04", actor=accountant)
    assert hints.key == f"contact:{supplier.pk}"
    assert hints.hints["invoice_number_label"] == ["Bill no"]
    assert hints.hints["issue_date_label"] == ["Billed on"]
    assert hints.hints["date_order"] == "MDY"
    assert "learn" in [e.verb for e in audit_trail_for(target=first)]

    second = upload(samples.pdf(BILL.replace("GX/0042", "GX/0043").replace("03/04", "05/06")), "gx2.pdf")
    assert second.invoice_number == "GX/0043"
    assert str(second.issue_date) == "2024-05-06"
    run = ExtractionRun.objects.filter(document=second).first()
    assert run.hints_explanation == "Learned from 1 earlier invoice of Globex Corporation"
    assert run.hints_used["date_order"] == "MDY"


def test_review_page_explains_what_was_learned(upload, company, accountant, client):
    ContactFactory(company=company, name="Globex Corporation")
    first = upload(samples.pdf(BILL), "gx1.pdf")
    learn_from_correction(document=first, field="issue_date", value="2024-03-04", actor=accountant)
    second = upload(samples.pdf(BILL.replace("GX/0042", "GX/0043")), "gx2.pdf")
    client.force_login(accountant)
    page = client.get(f"/documents/{second.pk}/").content.decode()
    assert "Learned from 1 earlier invoice of Globex Corporation" in page
    assert 'data-testid="learned"' not in client.get(f"/documents/{first.pk}/").content.decode()


def test_nothing_to_learn_without_supplier_or_text(company):
    from tests.factories import DocumentFactory

    document = DocumentFactory(company=company)
    assert learn_from_correction(document=document, field="total", value="1.00") is None
    assert SupplierHints.objects.count() == 0
