"""Settings › E-mail: per-sender default projects and the invoice-link allow-list, in the browser
(Django forms) and over the API (serializers); company admins only, one company's rows only."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from inbound.models import InboundSettings, SenderProject
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
URL = "/settings/e-mail/"


@pytest.fixture
def project(company):
    return ProjectFactory(company=company, name="Website", number="P-24")


def test_admin_adds_and_removes_a_sender_default(client, admin_user, company, project):
    client.force_login(admin_user)
    response = client.post(f"{URL}senders/", {"sender": "Supplier.example", "project": project.pk})
    assert response.status_code == 302
    row = SenderProject.objects.get(company=company)
    assert row.sender == "@supplier.example" and row.project == project  # a bare domain is a domain
    page = client.get(URL).content.decode()
    assert "@supplier.example" in page and "P-24 Website" in page
    assert AuditEvent.objects.filter(company=company, verb="set_sender_project").exists()

    assert client.post(f"{URL}senders/{row.pk}/delete/").status_code == 302
    assert not SenderProject.objects.exists()
    assert AuditEvent.objects.filter(company=company, verb="delete_sender_project").exists()


@pytest.mark.parametrize(
    "data, field, words",
    [
        ({"sender": "not an address", "project": "{p}"}, "sender", "Enter an e-mail address"),
        ({"sender": "ap@supplier.example", "project": ""}, "project", "This field is required"),
        ({"sender": "ap@supplier.example", "project": "{closed}"}, "project", "Select a valid choice"),
        ({"sender": "ap@supplier.example", "project": "{theirs}"}, "project", "Select a valid choice"),
    ],
)
def test_the_sender_form_says_what_is_wrong(
    client, admin_user, company, other_company, project, data, field, words
):
    closed = ProjectFactory(company=company, name="Closed", is_active=False)
    theirs = ProjectFactory(company=other_company, name="Theirs")
    ids = {"p": project.pk, "closed": closed.pk, "theirs": theirs.pk}
    client.force_login(admin_user)
    body = {k: v.format(**ids) for k, v in data.items()}
    response = client.post(f"{URL}senders/", body)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not SenderProject.objects.exists()


def test_the_same_sender_twice_is_refused(client, admin_user, company, project):
    SenderProject.objects.create(company=company, sender="ap@supplier.example", project=project)
    client.force_login(admin_user)
    response = client.post(f"{URL}senders/", {"sender": "AP@supplier.example", "project": project.pk})
    assert response.status_code == 400 and "already has a default project" in response.content.decode()


def test_link_allow_list_and_replies_are_saved(client, admin_user, company):
    client.force_login(admin_user)
    response = client.post(URL, {"link_senders": "billing@acme.example\n@portal.example\n\n"})
    assert response.status_code == 302
    row = InboundSettings.objects.get(company=company)
    assert row.link_senders == "billing@acme.example\n@portal.example" and row.send_replies is False
    response = client.post(URL, {"link_senders": "https://evil.example/", "send_replies": "on"})
    assert response.status_code == 400 and "Not an e-mail address or @domain" in response.content.decode()
    assert InboundSettings.objects.get(company=company).send_replies is False  # nothing saved


@pytest.mark.parametrize("role", ["accountant", "approver", "employee"])
def test_only_admins_see_the_page(client, company, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"send_replies": "on"}).status_code == 403
    assert not InboundSettings.objects.exists()


def test_another_companys_sender_default_cannot_be_removed(client, admin_user, other_company):
    theirs = SenderProject.objects.create(
        company=other_company, sender="@x.example", project=ProjectFactory(company=other_company)
    )
    client.force_login(admin_user)
    assert client.post(f"{URL}senders/{theirs.pk}/delete/").status_code == 404
    assert SenderProject.objects.filter(pk=theirs.pk).exists()
    assert "@x.example" not in client.get(URL).content.decode()


# ------------------------------------------------------------------------------------------ API
def test_api_sender_projects(api_client_for, admin_user, company, project):
    api = api_client_for(admin_user, company)
    created = api.post(
        "/api/v1/inbound/sender-projects/",
        {"sender": "ap@supplier.example", "project": project.pk},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["sender"] == "ap@supplier.example" and body["project"] == project.pk
    assert body["project_label"] == "P-24 Website"
    pk = body["id"]
    assert api.get("/api/v1/inbound/sender-projects/").json() == [body]
    other = ProjectFactory(company=company, name="Cloud")
    changed = api.patch(f"/api/v1/inbound/sender-projects/{pk}/", {"project": other.pk}, format="json")
    assert changed.status_code == 200 and changed.json()["project"] == other.pk
    assert api.delete(f"/api/v1/inbound/sender-projects/{pk}/").status_code == 204
    assert not SenderProject.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"sender": "nope", "project": 1},
        {"sender": "a@b.example"},
        {"sender": 5, "project": 1},
        {"sender": "a@b.example", "project": "x"},
        {"sender": "a@b.example", "project": 1, "extra": True},
        [],
    ],
)
def test_api_refuses_bad_bodies(api_client_for, admin_user, company, body):
    response = api_client_for(admin_user, company).post(
        "/api/v1/inbound/sender-projects/", body, format="json"
    )
    assert response.status_code == 400 and response.json()["detail"]
    assert not SenderProject.objects.exists()


def test_api_settings(api_client_for, admin_user, company):
    api = api_client_for(admin_user, company)
    assert api.get("/api/v1/inbound/settings/").json() == {"link_senders": [], "send_replies": True}
    response = api.patch("/api/v1/inbound/settings/", {"link_senders": ["@portal.example"]}, format="json")
    assert response.json() == {"link_senders": ["@portal.example"], "send_replies": True}
    response = api.patch("/api/v1/inbound/settings/", {"send_replies": False}, format="json")
    assert response.json() == {"link_senders": ["@portal.example"], "send_replies": False}
    assert (
        api.patch("/api/v1/inbound/settings/", {"link_senders": ["http://x"]}, format="json").status_code
        == 400
    )


def test_api_never_shows_or_changes_another_companys_rows(api_client_for, admin_user, company, other_company):
    theirs = SenderProject.objects.create(
        company=other_company, sender="@x.example", project=ProjectFactory(company=other_company)
    )
    api = api_client_for(admin_user, company)
    assert api.get("/api/v1/inbound/sender-projects/").json() == []
    assert api.get(f"/api/v1/inbound/sender-projects/{theirs.pk}/").status_code == 404
    assert api.delete(f"/api/v1/inbound/sender-projects/{theirs.pk}/").status_code == 404
    their_project = theirs.project
    response = api.post(
        "/api/v1/inbound/sender-projects/",
        {"sender": "a@b.example", "project": their_project.pk},
        format="json",
    )
    assert response.status_code == 400
