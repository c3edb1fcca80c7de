"""A document is compared with its company's others once it is read: whichever arrives first, a photo
taken again, or an invoice as XML and as PDF, is one pair with a reason; "not a duplicate" sticks."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from PIL import Image

from audit.models import AuditEvent
from documents.coding import document_update
from documents.duplicates.rules import PHASH_MAX_DISTANCE, image_hash
from documents.duplicates.selectors import duplicate_suspicions_for, has_open_duplicate
from documents.duplicates.services import duplicate_dismiss, duplicates_check, image_hash_for
from documents.models import DuplicatePair
from documents.problems import document_problems
from tests.documents.duplicates.conftest import invoice_pdf
from tests.documents.duplicates.receipts import CAFE_OTHER_LINES, jpeg, receipt, rephotograph
from tests.factories import make_document
from tests.samples import ubl

pytestmark = pytest.mark.django_db


def _pairs(company):
    return list(DuplicatePair.objects.filter(company=company).values_list("first_id", "second_id", "reasons"))


def _verbs(document, verb):
    return list(AuditEvent.objects.filter(target_id=document.pk, verb=verb).values_list("message", flat=True))


@pytest.mark.parametrize("photo_first", [True, False])
def test_a_receipt_photographed_again_is_flagged_whichever_is_read_first(company, receive, read, photo_first):
    original = receipt()
    photo, again = jpeg(original), rephotograph(original)
    first = receive(company, photo if photo_first else again, "receipt.jpg", type="receipt")
    second = receive(company, again if photo_first else photo, "receipt-again.jpg", type="receipt")
    read(first)
    assert _pairs(company) == []  # the other is not read yet: nothing to compare with
    read(second)

    [(a, b, reasons)] = _pairs(company)
    assert (a, b) == (first.pk, second.pk)
    assert "same_image" in reasons
    pair = DuplicatePair.objects.get()
    assert pair.distance <= PHASH_MAX_DISTANCE
    first.refresh_from_db()
    assert first.image_hash is not None
    # both documents say so, each naming the other
    assert has_open_duplicate(first) and has_open_duplicate(second)
    assert [s.other.pk for s in duplicate_suspicions_for(first)] == [second.pk]
    assert [s.other.pk for s in duplicate_suspicions_for(second)] == [first.pk]
    assert _verbs(second, "flag_duplicate")[0].startswith(f"Possible duplicate of document #{first.pk}: ")
    assert document_problems(second)[0].short == "possible duplicate"


def test_a_different_receipt_of_the_same_shop_is_not_flagged(company, receive, read):
    read(receive(company, jpeg(receipt()), "one.jpg", type="receipt"))
    other = read(
        receive(
            company,
            jpeg(receipt(CAFE_OTHER_LINES, number="4712", date="15.11.2026")),
            "two.jpg",
            type="receipt",
        )
    )
    assert _pairs(company) == []
    assert not has_open_duplicate(other)


@pytest.mark.parametrize("xml_first", [True, False])
def test_the_pdf_of_an_invoice_received_as_xml(company, receive, read, xml_first):
    xml = ("invoice.xml", ubl(number="INV-2024-007"))
    pdf = ("invoice.pdf", invoice_pdf())
    first, second = (xml, pdf) if xml_first else (pdf, xml)
    a = read(receive(company, first[1], first[0]))
    b = read(receive(company, second[1], second[0]))
    assert _pairs(company) == [(a.pk, b.pk, ["same_number_total"])]
    [suspicion] = duplicate_suspicions_for(b)
    assert suspicion.reason == "The same supplier, number and total"


def test_another_companys_identical_photo_is_not_a_duplicate(company, other_company, receive, read):
    photo = jpeg(receipt())
    read(receive(company, photo, "receipt.jpg", type="receipt"))
    theirs = read(receive(other_company, photo, "receipt.jpg", type="receipt"))
    assert DuplicatePair.objects.count() == 0
    assert theirs.duplicate_of_id is None
    assert not has_open_duplicate(theirs)


def test_checks_in_either_order_find_one_pair(company):
    first = make_document(company, status="extracting")
    second = make_document(company)
    assert duplicates_check(document_id=first.pk) == []  # not read yet
    assert len(duplicates_check(document_id=second.pk)) == 0  # its look-alike is not read yet
    first.status = "to_review"
    first.save(update_fields=["status"])
    [pair] = duplicates_check(document_id=first.pk)
    assert pair.reasons == ["same_number_total"]
    assert duplicates_check(document_id=second.pk) == [pair]  # the same row from the other side
    assert DuplicatePair.objects.count() == 1
    assert len(_verbs(first, "flag_duplicate")) == len(_verbs(second, "flag_duplicate")) == 1


def test_not_a_duplicate_is_a_decision_in_the_audit_trail_and_sticks(company, accountant):
    first = make_document(company)
    second = make_document(company, duplicate_of=first)  # linked at intake as well
    duplicates_check(document_id=second.pk)
    assert has_open_duplicate(second)

    duplicate_dismiss(document=second, other_id=first.pk, actor=accountant)

    pair = DuplicatePair.objects.get()
    assert pair.dismissed_by == accountant and pair.dismissed_at is not None
    second.refresh_from_db()
    assert second.duplicate_of_id is None
    for document, other in ((first, second), (second, first)):
        [message] = _verbs(document, "not_duplicate")
        assert message.startswith(f"Not a duplicate of document #{other.pk}")
        assert AuditEvent.objects.get(target_id=document.pk, verb="not_duplicate").actor == accountant
        assert not has_open_duplicate(document)
        assert not [p for p in document_problems(document) if p.kind == "duplicate"]
    # read again, corrected, checked again: that pair is never raised again
    for document in (first, second):
        assert duplicates_check(document_id=document.pk) == []
    assert DuplicatePair.objects.get().dismissed_at is not None
    with pytest.raises(Exception, match="not flagged"):
        duplicate_dismiss(document=second, other_id=first.pk, actor=accountant)


def test_a_third_look_alike_is_still_flagged_after_a_dismissal(company, accountant):
    first, second = make_document(company), make_document(company)
    duplicates_check(document_id=second.pk)
    duplicate_dismiss(document=second, other_id=first.pk, actor=accountant)
    third = make_document(company)
    assert {p.other(third.pk) for p in duplicates_check(document_id=third.pk)} == {first.pk, second.pk}


def test_a_correction_makes_and_breaks_a_match(company, accountant, django_capture_on_commit_callbacks):
    first = make_document(company)
    second = make_document(company, fields={"invoice_number": "INV-2000", "total": "99.00"})
    duplicates_check(document_id=second.pk)
    assert DuplicatePair.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        document_update(document=second, data={"fields": {"invoice_number": "inv 1001"}}, actor=accountant)
    assert DuplicatePair.objects.get().reasons == ["same_number"]

    with django_capture_on_commit_callbacks(execute=True):
        document_update(document=second, data={"fields": {"invoice_number": "INV-2001"}}, actor=accountant)
    assert DuplicatePair.objects.count() == 0
    assert not has_open_duplicate(first)


def test_a_sales_invoice_is_not_a_duplicate_of_a_bill(company):
    make_document(company)
    sale = make_document(company, type="sales_invoice")
    assert duplicates_check(document_id=sale.pk) == []


def test_an_unreadable_file_has_no_hash_and_is_still_compared(company):
    assert image_hash_for(b"%PDF-1.4 broken", content_type="application/pdf") is None
    assert image_hash_for(ubl(), content_type="application/xml") is None
    assert image_hash_for(jpeg(receipt()), content_type="image/jpeg") == image_hash(
        Image.open(io.BytesIO(jpeg(receipt())))
    )


def test_documents_read_before_hashing_are_hashed_and_checked(company, receive, read):
    original = receipt()
    first = read(receive(company, jpeg(original), "receipt.jpg", type="receipt"))
    second = read(receive(company, rephotograph(original), "again.jpg", type="receipt"))
    type(first).objects.filter(pk__in=[first.pk, second.pk]).update(image_hash=None)
    DuplicatePair.objects.all().delete()

    out = io.StringIO()
    call_command("duplicates_backfill", stdout=out)

    assert out.getvalue().strip() == "2 document(s) hashed and checked."
    [pair] = DuplicatePair.objects.all()
    assert "same_image" in pair.reasons
    call_command("duplicates_backfill", stdout=out)  # nothing left to do
    assert DuplicatePair.objects.count() == 1
