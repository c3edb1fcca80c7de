"""Issue 15, finding 7: no `next` or Referer sends the browser to another site."""

from __future__ import annotations

import pytest

from tests.factories import make_document

pytestmark = pytest.mark.django_db

EVIL = ["https://evil.example/phish", "//evil.example/x", "javascript:alert(1)", "https:evil.example"]


def _lands_here(response, default: str) -> None:
    assert response.status_code == 302
    location = response["Location"]
    assert "evil.example" not in location and not location.startswith(("//", "javascript:"))
    assert location == default


@pytest.mark.parametrize("target", EVIL)
def test_publish_and_bulk_publish_refuse_foreign_next(client, accountant, company, target):
    document = make_document(company, status="ready")
    client.force_login(accountant)
    response = client.post(f"/publishing/documents/{document.pk}/publish/", {"next": target})
    _lands_here(response, "/documents/")
    response = client.post("/publishing/bulk/", {"documents": [document.pk], "next": target})
    _lands_here(response, "/documents/archive/")


def test_publish_ignores_a_foreign_referer_but_follows_our_own(client, accountant, company):
    document = make_document(company, status="ready")
    client.force_login(accountant)
    url = f"/publishing/documents/{document.pk}/publish/"
    _lands_here(client.post(url, HTTP_REFERER="https://evil.example/"), "/documents/")
    response = client.post(url, HTTP_REFERER=f"http://testserver/documents/{document.pk}/")
    assert response["Location"] == f"http://testserver/documents/{document.pk}/"


@pytest.mark.parametrize("target", EVIL)
def test_switch_company_refuses_foreign_next(client, accountant, company, target):
    client.force_login(accountant)
    response = client.post("/accounts/switch-company/", {"company": company.pk, "next": target})
    _lands_here(response, "/documents/")
    response = client.post("/accounts/switch-company/", {"company": company.pk, "next": "/rules/"})
    assert response["Location"] == "/rules/"


@pytest.mark.parametrize("target", EVIL)
def test_document_bulk_refuses_foreign_next(client, accountant, company, target):
    client.force_login(accountant)
    _lands_here(client.post("/documents/bulk/", {"action": "record", "next": target}), "/documents/")
