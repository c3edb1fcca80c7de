"""Exact duplicates are flagged within a company only; documents and files never cross companies."""

import pytest

from audit.selectors import audit_trail_for
from documents.models import Document
from tests import samples

pytestmark = pytest.mark.django_db


def test_exact_duplicate_is_flagged_and_linked_to_the_first_copy(upload, accountant, admin_user):
    data = samples.pdf()
    first = upload(accountant, data, "a.pdf", execute=False).json()
    second = upload(admin_user, data, "a-again.pdf", execute=False).json()
    third = upload(accountant, data, "a-third.pdf", execute=False).json()

    assert first["duplicate_of"] is None
    assert second["duplicate_of"] == first["id"]  # kept, not dropped
    assert third["duplicate_of"] == first["id"]  # linked to the first copy, not to the previous one
    assert Document.objects.count() == 3
    dup = Document.objects.get(pk=second["id"])
    assert [e.verb for e in audit_trail_for(target=dup)] == ["receive", "flag_duplicate"]


def test_same_file_in_another_company_is_not_a_duplicate(upload, accountant, other_user):
    data = samples.pdf()
    upload(accountant, data, execute=False)
    theirs = upload(other_user, data, execute=False).json()
    assert theirs["duplicate_of"] is None


def test_list_and_file_are_tenant_scoped(upload, api_client_for, accountant, other_user, company):
    mine = upload(accountant, samples.pdf(), "mine.pdf", execute=False).json()
    theirs = upload(other_user, samples.image(), "theirs.png", execute=False).json()

    me, them = api_client_for(accountant), api_client_for(other_user)
    assert [d["id"] for d in me.get("/api/v1/documents/").json()["results"]] == [mine["id"]]
    assert [d["id"] for d in them.get("/api/v1/documents/").json()["results"]] == [theirs["id"]]

    response = me.get(f"/api/v1/documents/{mine['id']}/file/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == samples.pdf()
    assert me.get(f"/api/v1/documents/{theirs['id']}/file/").status_code == 404
    assert them.get(f"/api/v1/documents/{mine['id']}/file/").status_code == 404
    # Picking the other company with X-Company does not help a non-member.
    assert api_client_for(accountant, company=other_user.memberships.get().company).get(
        f"/api/v1/documents/{theirs['id']}/file/"
    ).status_code in (403, 404)


def test_employee_sees_own_uploads_only(upload, api_client_for, employee, accountant):
    own = upload(employee, samples.image("JPEG"), "r.jpg", execute=False).json()
    other = upload(accountant, samples.pdf(), execute=False).json()
    ids = [d["id"] for d in api_client_for(employee).get("/api/v1/documents/").json()["results"]]
    assert ids == [own["id"]]
    assert api_client_for(employee).get(f"/api/v1/documents/{other['id']}/file/").status_code == 404


def test_list_filters_and_pagination(upload, api_client_for, accountant, company):
    a = upload(accountant, samples.pdf(), "acme.pdf").json()  # extracted: ACME, 2024-03-15
    b = upload(accountant, samples.image(), "blank.png", type="receipt", execute=False).json()
    client = api_client_for(accountant)

    def ids(**params):
        response = client.get("/api/v1/documents/", params)
        assert response.status_code == 200, response.content
        return [d["id"] for d in response.json()["results"]]

    assert ids(status="to_review") == [a["id"]]
    assert ids(status="received") == [b["id"]]
    assert ids(type="receipt") == [b["id"]]
    assert ids(q="INV-2024") == [a["id"]]
    assert ids(supplier="acme") == [a["id"]]
    assert ids(date_from="2024-03-01", date_to="2024-03-31") == [a["id"]]
    assert ids(date_from="2024-04-01") == []
    assert ids(published="false") == [b["id"], a["id"]]
    assert ids(published="true") == []
    assert client.get("/api/v1/documents/", {"status": "nonsense"}).status_code == 400
    assert client.get("/api/v1/documents/", {"date_from": "yesterday"}).status_code == 400
    body = client.get("/api/v1/documents/").json()
    assert body["count"] == 2 and "next" in body
