"""Learning from a corrected receipt: the shop's next receipt finds the hints although OCR reads
its name differently, and comes out with the corrected name. Real Tesseract on real dev scans."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.models import Document
from extraction.models import ExtractionRun
from extraction.services import learn_from_correction

pytestmark = [pytest.mark.django_db, pytest.mark.ocr, pytest.mark.slow]


@pytest.fixture
def upload(api_client_for, accountant, django_capture_on_commit_callbacks):
    def do(data: bytes, name: str) -> Document:
        with django_capture_on_commit_callbacks(execute=True):
            response = api_client_for(accountant).post(
                "/api/v1/documents/", {"file": SimpleUploadedFile(name, data)}, format="multipart"
            )
        assert response.status_code == 201, response.content
        return Document.objects.get(pk=response.json()["id"])

    return do


def test_corrected_shop_name_is_used_on_the_shops_next_receipt(upload, load_doc, scorer, accountant):
    # Two receipts of one bakery; OCR garbles its long name differently on each.
    first_data, first_label = load_doc("sroie__343.jpg")
    next_data, next_label = load_doc("sroie__347.jpg")  # its name is garbled by OCR as well
    first = upload(first_data, "first.jpg")
    # The correction must change something, or the next receipt proves nothing about learning.
    if first.fields["supplier_name"] == first_label["supplier_name"]:
        pytest.skip("OCR spelt the name exactly; nothing to correct on this machine")

    hints = learn_from_correction(
        document=first, field="supplier_name", value=first_label["supplier_name"], actor=accountant
    )
    assert hints is not None and hints.hints["supplier_name"] == first_label["supplier_name"]

    second = upload(next_data, "next.jpg")
    assert scorer.scalar_equal("supplier_name", next_label["supplier_name"], second.fields["supplier_name"])
    assert second.fields["supplier_name"] == first_label["supplier_name"]  # the corrected spelling
    run = ExtractionRun.objects.filter(document=second).first()
    assert run.hints_explanation.startswith("Learned from 1 earlier")
    assert run.hints_used["supplier_name"] == first_label["supplier_name"]
