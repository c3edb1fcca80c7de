"""Back-pressure: intake does not slow down while documents wait for extraction, and the Inbox shows how
far back a waiting document is (how long it has waited, how many wait ahead of it)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from documents.choices import DocumentStatus
from documents.models import Document
from documents.selectors import extraction_waiting
from tests.factories import DocumentFactory
from tests.samples import pdf

pytestmark = pytest.mark.django_db


def arrived(document: Document, minutes_ago: int) -> Document:
    Document.objects.filter(pk=document.pk).update(
        received_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    document.refresh_from_db()
    return document


def waiting_text(html: str) -> list[str]:
    return re.findall(r'data-testid="row-waiting"[^>]*>([^<]*)<', html)


def test_the_inbox_shows_how_long_a_document_waits_and_how_many_wait_ahead(
    client, company, other_company, accountant
):
    received = DocumentStatus.RECEIVED
    # Arrival order across companies: other, other, mine (old), other, mine (new). One queue serves all.
    arrived(DocumentFactory(company=other_company, status=received), 50)
    arrived(DocumentFactory(company=other_company, status=received), 40)
    old = arrived(DocumentFactory(company=company, status=received), 28)
    arrived(DocumentFactory(company=other_company, status=received), 20)
    new = arrived(DocumentFactory(company=company, status=received), 5)
    arrived(DocumentFactory(company=company, status=DocumentStatus.EXTRACTING), 60)  # being read: not waiting
    arrived(DocumentFactory(company=other_company, status=DocumentStatus.TO_REVIEW), 90)  # read: not in line

    client.force_login(accountant)
    inbox = client.get("/documents/")
    assert inbox.status_code == 200
    assert waiting_text(inbox.content.decode()) == ["5\xa0minutes · 4 ahead", "28\xa0minutes · 2 ahead"]

    # The row the Inbox polls while a document is being read says the same.
    row = client.get(f"/documents/{old.pk}/row/?list=inbox").content.decode()
    assert waiting_text(row) == ["28\xa0minutes · 2 ahead"]
    Document.objects.filter(pk=old.pk).update(status=DocumentStatus.EXTRACTING)
    assert waiting_text(client.get(f"/documents/{new.pk}/row/?list=inbox").content.decode()) == [
        "5\xa0minutes · 3 ahead"
    ]
    assert waiting_text(client.get(f"/documents/{old.pk}/row/?list=inbox").content.decode()) == []


def test_the_places_of_a_whole_page_cost_one_query(company, django_assert_num_queries):
    documents = [DocumentFactory(company=company, status=DocumentStatus.RECEIVED) for _ in range(5)]
    with django_assert_num_queries(1):
        places = extraction_waiting(documents)
    assert [places[d.pk].ahead for d in documents] == [0, 1, 2, 3, 4]
    with django_assert_num_queries(0):
        assert extraction_waiting([]) == {}


def _upload_queries(api_client_for, user, django_capture_on_commit_callbacks, n: int) -> int:
    client = api_client_for(user)
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            "/api/v1/documents/",
            {"file": SimpleUploadedFile("invoice.pdf", pdf(f"Invoice no: BP-{n}\nTotal EUR {n}.00"))},
            format="multipart",
        )
    assert response.status_code == 201, response.content
    return len(queries)


def test_an_upload_does_the_same_work_with_a_backlog_of_thousands(
    company, accountant, api_client_for, django_capture_on_commit_callbacks
):
    _upload_queries(api_client_for, accountant, django_capture_on_commit_callbacks, 0)  # caches warm up
    before = _upload_queries(api_client_for, accountant, django_capture_on_commit_callbacks, 1)
    Document.objects.bulk_create(
        Document(company=company, status=DocumentStatus.RECEIVED, filename=f"scan-{n}.png", size=1,
                 content_type="image/png", sha256=f"{n:064x}", original=f"originals/backlog/{n}.png")
        for n in range(3000)
    )  # fmt: skip
    after = _upload_queries(api_client_for, accountant, django_capture_on_commit_callbacks, 2)
    assert after == before  # nothing on the upload path grows with the documents waiting for extraction
