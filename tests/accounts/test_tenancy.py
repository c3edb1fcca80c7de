"""A user of one company never sees anything of another, by URL or API."""

import pytest

from tests.factories import ContactFactory, DocumentFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_api_lists_only_own_company_objects(api_client_for, accountant, company, other_company):
    mine = ProjectFactory(company=company, name="Mine")
    ProjectFactory(company=other_company, name="Theirs")
    response = api_client_for(accountant).get("/api/v1/projects/")
    assert response.status_code == 200
    assert [p["id"] for p in response.json()["results"]] == [mine.pk]


def test_api_detail_of_other_company_object_is_404(api_client_for, accountant, other_company):
    theirs = ContactFactory(company=other_company)
    response = api_client_for(accountant).get(f"/api/v1/contacts/{theirs.pk}/")
    assert response.status_code == 404


def test_x_company_header_for_a_company_the_user_is_not_in_is_refused(
    api_client_for, accountant, other_company
):
    response = api_client_for(accountant, company=other_company).get("/api/v1/projects/")
    assert response.status_code == 403


def test_user_in_two_companies_picks_one_with_header(api_client_for, accountant, company, other_company):
    from tests.factories import MembershipFactory

    MembershipFactory(user=accountant, company=other_company, role="accountant")
    ProjectFactory(company=company, name="A")
    theirs = ProjectFactory(company=other_company, name="B")
    response = api_client_for(accountant, company=other_company).get("/api/v1/projects/")
    assert [p["id"] for p in response.json()["results"]] == [theirs.pk]


def test_browser_lists_show_only_own_documents(client, accountant, company, other_company):
    DocumentFactory(company=company, supplier_name="Own Supplier AS")
    DocumentFactory(company=other_company, supplier_name="Foreign Supplier Ltd")
    client.force_login(accountant)
    page = client.get("/documents/").content.decode()
    assert "Own Supplier AS" in page
    assert "Foreign Supplier Ltd" not in page


def test_employee_sees_only_own_uploads(api_client_for, employee, accountant, company):
    DocumentFactory(company=company, uploaded_by=employee, supplier_name="Taxi")
    DocumentFactory(company=company, uploaded_by=accountant, supplier_name="Rent")
    from documents.selectors import document_list

    membership = employee.memberships.get()
    assert [d.supplier_name for d in document_list(membership=membership)] == ["Taxi"]


def test_users_endpoint_lists_company_members_with_roles(api_client_for, admin_user, accountant, other_user):
    response = api_client_for(admin_user).get("/api/v1/users/")
    members = {u["username"]: u["role"] for u in response.json()["results"]}
    assert members == {"admin": "admin", "accountant": "accountant"}
