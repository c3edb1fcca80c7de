import pytest

from documents.models import Document

pytestmark = pytest.mark.django_db


def test_demo_step_adds_samples_once(company, django_capture_on_commit_callbacks):
    from documents.demo import demo_documents

    with django_capture_on_commit_callbacks(execute=True):
        demo_documents(company)
    demo_documents(company)
    documents = Document.objects.filter(company=company)
    assert documents.count() == 3
    assert set(documents.values_list("source", flat=True)) == {"demo"}
    assert set(documents.values_list("status", flat=True)) == {"to_review"}
    assert documents.get(filename__endswith=".xml").invoice_number == "CLOUD-2024-04"
