"""The document API shows a document's possible duplicates with the reason, and takes "not a duplicate"."""

from __future__ import annotations

import pytest

from documents.duplicates.services import duplicates_check
from documents.models import DuplicatePair
from tests.factories import make_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(company):
    first, second = make_document(company), make_document(company)
    duplicates_check(document_id=second.pk)
    return first, second


def test_the_detail_lists_duplicates_with_the_reason(api_client_for, accountant, pair):
    first, second = pair
    body = api_client_for(accountant).get(f"/api/v1/documents/{second.pk}/").json()
    assert body["duplicates"] == [
        {
            "id": first.pk,
            "label": str(first),
            "status": "to_review",
            "reasons": ["same_number_total"],
            "reason": "The same supplier, number and total",
            "distance": None,
        }
    ]
    other_side = api_client_for(accountant).get(f"/api/v1/documents/{first.pk}/").json()
    assert [d["id"] for d in other_side["duplicates"]] == [second.pk]


def test_not_a_duplicate(api_client_for, accountant, pair):
    first, second = pair
    api = api_client_for(accountant)
    response = api.post(f"/api/v1/documents/{second.pk}/not-duplicate/", {"other": first.pk}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["duplicates"] == []
    assert DuplicatePair.objects.get().dismissed_by == accountant
    again = api.post(f"/api/v1/documents/{second.pk}/not-duplicate/", {"other": first.pk}, format="json")
    assert again.status_code == 400
    assert "not flagged" in again.json()["detail"]


def test_bad_input_and_roles(api_client_for, accountant, employee, pair):
    first, second = pair
    url = f"/api/v1/documents/{second.pk}/not-duplicate/"
    assert api_client_for(accountant).post(url, {"other": "x"}, format="json").status_code == 400
    assert api_client_for(accountant).post(url, {}, format="json").status_code == 400
    assert api_client_for(employee).post(url, {"other": first.pk}, format="json").status_code in (403, 404)
    assert DuplicatePair.objects.get().dismissed_at is None


def test_another_companys_document_is_a_404(api_client_for, other_user, pair):
    first, second = pair
    api = api_client_for(other_user)
    url = f"/api/v1/documents/{second.pk}/not-duplicate/"
    assert api.post(url, {"other": first.pk}, format="json").status_code == 404
    assert DuplicatePair.objects.get().dismissed_at is None


def test_the_browser_form_refuses_another_companys_pair(client, other_user, accountant, pair):
    first, second = pair
    client.force_login(other_user)
    assert client.post(f"/documents/{second.pk}/not-duplicate/", {"other": first.pk}).status_code == 404
    client.force_login(accountant)
    client.post(f"/documents/{second.pk}/not-duplicate/", {"other": 999999})
    assert DuplicatePair.objects.get().dismissed_at is None
