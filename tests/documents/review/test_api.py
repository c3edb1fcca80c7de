"""GET/PATCH/DELETE /api/v1/documents/{id}/ and POST /record/: shape, refusals, tenants and roles."""

from unittest import mock

import pytest

from tests.factories import make_document

pytestmark = pytest.mark.django_db


def test_detail_shape(api_client_for, accountant, company, books):
    document = make_document(company, lines=[("Hosting", "100.00")])
    document.provenance = {"total": {"page": 1, "bbox": [1, 2, 3, 4], "page_width": 10, "page_height": 10}}
    document.save()
    body = api_client_for(accountant).get(f"/api/v1/documents/{document.pk}/").json()
    assert body["status"] == "to_review"
    assert body["fields"]["total"] == "122.00" and body["confidence"]["total"] == 0.95
    assert body["provenance"]["total"]["bbox"] == [1, 2, 3, 4]
    for key in (
        "supplier",
        "project",
        "finance_account",
        "tax_rate",
        "dimensions",
        "lines",
        "approvals",
        "publishing",
    ):
        assert key in body
    assert body["lines"][0]["description"] == "Hosting"
    assert set(body["publishing"]) >= {"status", "scoro_id", "scoro_url", "error"}
    assert body["missing_for_record"][:3] == ["supplier", "finance account", "project"]


def test_patch_fields_and_coding_then_record(api_client_for, accountant, company, books):
    document = make_document(company, lines=[("Hosting", "100.00")])
    line = document.lines.get()
    client = api_client_for(accountant)
    response = client.patch(
        f"/api/v1/documents/{document.pk}/",
        {
            "fields": {"invoice_number": "INV-2"},
            "supplier": books["supplier"].pk,
            "project": books["project"].pk,
            "finance_account": books["account"].pk,
            "dimensions": [books["dimension"].pk],
            "lines": [{"id": line.pk, "project": books["project2"].pk}],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["fields"]["invoice_number"] == "INV-2" and body["corrected_fields"] == ["invoice_number"]
    assert body["project"] == books["project"].pk and body["dimensions"] == [books["dimension"].pk]
    assert body["lines"][0]["effective"]["project"]["id"] == books["project2"].pk
    with mock.patch("publishing.services.publish_if_automatic", return_value=False):
        response = client.post(f"/api/v1/documents/{document.pk}/record/")
    assert response.status_code == 200 and response.json()["status"] in ("ready", "in_approval")


def test_record_400_names_what_is_missing(api_client_for, accountant, company):
    document = make_document(company)
    response = api_client_for(accountant).post(f"/api/v1/documents/{document.pk}/record/")
    assert response.status_code == 400
    assert response.json()["detail"] == "Cannot record: missing supplier, finance account, project."
    assert response.json()["missing"] == ["supplier", "finance account", "project"]


def test_patch_with_bad_value_is_400(api_client_for, accountant, company):
    document = make_document(company)
    response = api_client_for(accountant).patch(
        f"/api/v1/documents/{document.pk}/", {"fields": {"total": "lots"}}, format="json"
    )
    assert response.status_code == 400 and "Total must be a number" in response.json()["detail"]


def test_other_companys_document_is_404_everywhere(api_client_for, other_user, company):
    document = make_document(company)
    client = api_client_for(other_user)
    assert client.get(f"/api/v1/documents/{document.pk}/").status_code == 404
    assert (
        client.patch(f"/api/v1/documents/{document.pk}/", {"project": None}, format="json").status_code == 404
    )
    assert client.delete(f"/api/v1/documents/{document.pk}/").status_code == 404
    assert client.post(f"/api/v1/documents/{document.pk}/record/").status_code == 404


def test_roles(api_client_for, company, approver, employee, accountant):
    document = make_document(company)
    own = make_document(company, uploaded_by=employee, type="receipt")
    # An approver sees documents but cannot code, record or delete them.
    client = api_client_for(approver)
    assert client.get(f"/api/v1/documents/{document.pk}/").status_code == 200
    assert client.patch(f"/api/v1/documents/{document.pk}/", {"note": "x"}, format="json").status_code == 403
    assert client.post(f"/api/v1/documents/{document.pk}/record/").status_code == 403
    assert client.delete(f"/api/v1/documents/{document.pk}/").status_code == 403
    # An employee sees only their own and cannot code or record.
    client = api_client_for(employee)
    assert client.get(f"/api/v1/documents/{document.pk}/").status_code == 404
    assert client.get(f"/api/v1/documents/{own.pk}/").status_code == 200
    assert client.patch(f"/api/v1/documents/{own.pk}/", {"note": "x"}, format="json").status_code == 403
    assert client.post(f"/api/v1/documents/{own.pk}/record/").status_code == 403
    # The accountant may delete.
    assert api_client_for(accountant).delete(f"/api/v1/documents/{document.pk}/").status_code == 204


def test_browser_pages_respect_tenants_and_roles(client, company, other_user, approver, employee, accountant):
    document = make_document(company)
    client.force_login(other_user)
    assert client.get(f"/documents/{document.pk}/").status_code == 404
    assert client.get(f"/documents/{document.pk}/original/").status_code == 404
    client.force_login(approver)
    page = client.get(f"/documents/{document.pk}/")
    assert page.status_code == 200 and b'data-testid="record"' not in page.content
    response = client.post(f"/documents/{document.pk}/", {"f_total": "1.00"})
    document.refresh_from_db()
    assert response.status_code == 302 and document.total == 122  # unchanged
    assert client.post(f"/documents/{document.pk}/record/").status_code == 403
    client.force_login(employee)
    assert client.get(f"/documents/{document.pk}/").status_code == 404
    client.force_login(accountant)
    assert client.get("/rules/").status_code == 200
    client.force_login(approver)
    assert client.get("/rules/").status_code == 403


def test_bulk_view(client, company, accountant, books):
    documents = [make_document(company), make_document(company)]
    client.force_login(accountant)
    response = client.post(
        "/documents/bulk/",
        {
            "ids": [d.pk for d in documents],
            "action": "set_project",
            "value": books["project"].pk,
            "next": "/documents/",
        },
    )
    assert response.status_code == 302
    assert {d.project_id for d in (type(documents[0]).objects.filter(pk__in=[d.pk for d in documents]))} == {
        books["project"].pk
    }


def test_list_pages_have_a_fixed_number_of_queries(
    client, company, accountant, django_assert_max_num_queries
):
    for _ in range(3):
        make_document(company)
    client.force_login(accountant)
    client.get("/documents/")  # warm caches (content types, session)
    with django_assert_max_num_queries(12) as few:
        assert client.get("/documents/").status_code == 200
    for n in range(30):
        make_document(company, status="published" if n % 2 else "to_review")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/documents/").status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get("/documents/purchases/archive/?sort=-total").status_code == 200
