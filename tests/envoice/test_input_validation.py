"""Issue 15, findings 1, 2, 6 and 8: every bad value a 4xx naming the field, nothing half-saved,
stale versions refused, and no value that could break the company's lists is ever stored."""

from __future__ import annotations

import pytest

from bookkeeping.models import Contact
from documents.models import Document
from tests.factories import make_document

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


def _unchanged(document: Document) -> None:
    fresh = Document.objects.get(pk=document.pk)
    assert (fresh.total, fresh.version, fresh.fields) == (document.total, document.version, document.fields)


def test_huge_total_is_refused_and_the_company_keeps_working(api_client_for, accountant, company, client):
    """Finding 1: one PATCH with a 20-digit total made every list of the company answer 500."""
    document = make_document(company)
    other = make_document(company)
    api = api_client_for(accountant)
    response = api.patch(f"/api/v1/documents/{document.pk}/", {"fields": {"total": HUGE}}, format="json")
    assert response.status_code == 400
    assert "total" in response.json()["fields"] and "total" in response.json()["detail"]
    _unchanged(document)
    client.force_login(accountant)
    page = client.post(f"/documents/{document.pk}/", {"f_total": HUGE, "version": document.version})
    assert page.status_code == 400 and b"Total must be less than" in page.content
    _unchanged(document)
    assert api.get("/api/v1/documents/").status_code == 200
    for url in ("/documents/", "/documents/purchases/", f"/documents/{other.pk}/"):
        assert client.get(url).status_code == 200, url
    assert api.delete(f"/api/v1/documents/{document.pk}/").status_code == 204


@pytest.mark.parametrize(
    "body",
    [
        {"fields": "total"},
        {"fields": ["total"]},
        {"fields": 5},
        {"lines": "abc"},
        {"lines": [1]},
        {"lines": {"id": 1}},
        {"dimensions": 5},
        {"assigned_to": "abc"},
        {"fields": {"total": "1e30"}},
        {"fields": {"total": 1e308}},
        {"fields": {"total": "NaN"}},
        {"fields": {"total": "Infinity"}},
        {"fields": {"subtotal": True}},
        {"fields": {"issue_date": "yesterday"}},
        {"fields": {"supplier_name": "x" * 10_000}},
        {"fields": {"no_such_field": "1"}},
        {"project": True},
        {"project": 4.9},
        {"project": 10**30},
        {"supplier": "1 OR 1=1"},
        {"lines": [{"quantity": "1e20"}]},
        {"lines": [{"id": 10**30, "total": "1"}]},
        {"no_such_key": 1},
        {"note": "x" * 20_000},
        [1, 2],
    ],
    ids=lambda body: str(body)[:40],
)
def test_malformed_document_patch_is_400_and_changes_nothing(
    api_client_for, accountant, company, books, body
):
    """Finding 2: each of these answered 500 (or was silently accepted)."""
    document = make_document(company, lines=[("Hosting", "100.00")])
    response = api_client_for(accountant).patch(f"/api/v1/documents/{document.pk}/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["detail"]
    _unchanged(document)


def test_good_patch_still_accepts_what_people_type(api_client_for, accountant, company, books):
    document = make_document(company)
    response = api_client_for(accountant).patch(
        f"/api/v1/documents/{document.pk}/",
        {"fields": {"total": "1 234,50"}, "project": books["project"].pk, "version": document.version},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert (
        response.json()["fields"]["total"] == "1234.50" and response.json()["project"] == books["project"].pk
    )


def test_overflowing_header_and_filters_are_not_server_errors(api_client_for, accountant, company, client):
    make_document(company)
    api = api_client_for(accountant)
    response = api.get("/api/v1/documents/", HTTP_X_COMPANY="99999999999999999999999")
    assert response.status_code == 403 and response.json()["detail"]
    response = api.get("/api/v1/documents/", {"supplier": "99999999999999999999"})
    assert response.status_code == 200 and response.json()["count"] == 0
    assert api.get("/api/v1/documents/", {"date_from": "abc"}).status_code == 400
    client.force_login(accountant)
    page = client.get("/documents/", {"date_from": "abc"})
    assert page.status_code == 400 and b"Date from" in page.content
    assert client.get("/documents/", {"supplier": "99999999999999999999"}).status_code == 200


def test_stale_version_is_409_with_the_current_one(api_client_for, accountant, company, client):
    """Finding 6: two clients PATCH with the same version; the second one must not silently win."""
    document = make_document(company)
    api = api_client_for(accountant)
    read = document.version
    first = api.patch(
        f"/api/v1/documents/{document.pk}/", {"fields": {"total": "130.00"}, "version": read}, format="json"
    )
    assert first.status_code == 200 and first.json()["version"] == read + 1
    second = api.patch(
        f"/api/v1/documents/{document.pk}/", {"fields": {"total": "140.00"}, "version": read}, format="json"
    )
    assert second.status_code == 409 and second.json()["version"] == read + 1
    assert Document.objects.get(pk=document.pk).total == 130
    # The review form posts the version it showed; a stale post says someone else changed it.
    client.force_login(accountant)
    page = client.post(f"/documents/{document.pk}/", {"f_total": "150.00", "version": read})
    assert page.status_code == 409 and b"Someone else changed this document" in page.content
    assert Document.objects.get(pk=document.pk).total == 130


def test_text_only_changes_also_move_the_version(api_client_for, accountant, company):
    document = make_document(company)
    api = api_client_for(accountant)
    url = f"/api/v1/documents/{document.pk}/"
    body = {"fields": {"invoice_number": "A-1"}, "version": document.version}
    assert api.patch(url, body, format="json").status_code == 200
    body = {"fields": {"invoice_number": "B-2"}, "version": document.version}
    assert api.patch(url, body, format="json").status_code == 409


def test_review_form_with_a_bad_total_creates_no_supplier(client, accountant, company):
    """Finding 8: "Total must be a number." was shown, but the new contact existed and was coded."""
    document = make_document(company)
    client.force_login(accountant)
    response = client.post(
        f"/documents/{document.pk}/",
        {
            "supplier": "new",
            "new_supplier_name": "Brand New OÜ",
            "f_total": "abc",
            "version": document.version,
        },
    )
    assert response.status_code == 400 and b"Total must be a number" in response.content
    assert not Contact.objects.filter(company=company, name="Brand New OÜ").exists()
    assert Document.objects.get(pk=document.pk).supplier_id is None


def test_review_form_refuses_bad_line_and_id_values(client, accountant, company):
    document = make_document(company, lines=[("Hosting", "100.00")])
    line = document.lines.get()
    client.force_login(accountant)
    for post in (
        {"line_ids": [line.pk], f"line-{line.pk}-total": HUGE},
        {"line_ids": ["abc"]},
        {"project": "99999999999999999999999"},
        {"f_issue_date": "31.31.2024"},
        {"f_supplier_name": "x" * 10_000},
    ):
        response = client.post(f"/documents/{document.pk}/", {**post, "version": document.version})
        assert response.status_code == 400, post
        _unchanged(document)
