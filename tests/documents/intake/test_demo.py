import pytest

from documents.models import Document

pytestmark = pytest.mark.django_db


def test_demo_step_adds_samples_once(company, django_capture_on_commit_callbacks):
    from documents.demo import demo_documents

    with django_capture_on_commit_callbacks(execute=True):
        demo_documents(company)
    demo_documents(company)
    documents = Document.objects.filter(company=company)
    assert documents.count() == 4
    assert set(documents.values_list("source", flat=True)) == {"demo"}
    assert set(documents.values_list("status", flat=True)) == {"to_review"}
    assert documents.get(filename__endswith=".xml").invoice_number == "CLOUD-2024-04"


def test_the_demo_bill_from_a_known_supplier_asks_for_a_new_bank_account(
    company, django_capture_on_commit_callbacks
):
    from documents.demo import demo_documents
    from documents.problems import document_problems
    from tests.factories import ContactFactory

    # As the demo's Scoro sync leaves it (the sandbox seed's German supplier).
    ContactFactory(
        company=company, name="Muster Bürobedarf GmbH", vat_no="DE123456789", iban="DE89370400440532013000"
    )
    with django_capture_on_commit_callbacks(execute=True):
        demo_documents(company)
    bill = Document.objects.get(company=company, filename="muster-MB-2024-0417.pdf")
    assert bill.supplier.vat_no == "DE123456789" and bill.fields["iban"] == "DE57100200304455667788"
    assert "new bank account" in [p.short for p in document_problems(bill)]
