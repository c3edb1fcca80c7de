"""Role matrix: employee, approver, accountant, admin × every action that has a route (issue 10).

The expectation of each row comes from `accounts.roles.PERMISSIONS`, never from this file: a role
the table allows must not be refused (no 403/404, no 5xx), a role it does not allow must get 403 (or
404 where the object is hidden from the role altogether, e.g. an employee and someone else's
document). A row whose route does not exist yet is skipped with the reason, so the matrix fills in
as routes land.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import Resolver404, resolve

from accounts.roles import PERMISSIONS, role_can
from documents.choices import DocumentStatus
from tests.accounts.world import member_client
from tests.factories import ContactFactory, DocumentFactory

pytestmark = pytest.mark.django_db

ROLES = ("employee", "approver", "accountant", "admin")
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@dataclass(frozen=True)
class Action:
    permission: str
    method: str
    path: str  # "{doc}" is a to-review document of the company, "{contact}" a contact
    api: bool = True
    data: Any = None
    multipart: bool = False

    def __str__(self) -> str:
        return f"{self.permission}: {self.method.upper()} {self.path}"


ACTIONS = [
    # Browser pages
    Action("members.manage", "get", "/accounts/members/", api=False),
    Action("dashboard.view", "get", "/dashboard/", api=False),
    Action("rules.manage", "get", "/rules/", api=False),
    Action("rules.manage", "get", "/rules/new/", api=False),
    Action("approvals.manage", "get", "/approvals/workflows/", api=False),
    Action("documents.record", "post", "/documents/{doc}/record/", api=False),
    Action("documents.delete", "post", "/documents/{doc}/delete/", api=False),
    Action("expenses.create", "get", "/documents/reports/new/", api=False),
    Action("settings.manage", "get", "/settings/e-mail/", api=False),
    Action("settings.manage", "post", "/settings/e-mail/", api=False, data={"send_replies": "on"}),
    # REST API
    Action("rules.manage", "get", "/api/v1/rules/"),
    Action("rules.manage", "post", "/api/v1/rules/", data={}),
    Action("approvals.manage", "get", "/api/v1/approval-workflows/"),
    Action("approvals.manage", "post", "/api/v1/approval-workflows/", data={}),
    Action("integrations.manage", "get", "/api/v1/integrations/scoro/"),
    Action("settings.manage", "get", "/api/v1/inbound/sender-projects/"),
    Action("settings.manage", "post", "/api/v1/inbound/sender-projects/", data={}),
    Action("settings.manage", "get", "/api/v1/inbound/settings/"),
    Action("settings.manage", "patch", "/api/v1/inbound/settings/", data={"send_replies": False}),
    Action("integrations.manage", "patch", "/api/v1/integrations/scoro/settings/", data={"auto_sync": True}),
    Action("integrations.manage", "post", "/api/v1/integrations/scoro/deactivate/", data={}),
    Action("documents.upload", "post", "/api/v1/documents/", multipart=True),
    Action("documents.code", "patch", "/api/v1/documents/{doc}/", data={"note": "checked"}),
    Action("documents.delete", "delete", "/api/v1/documents/{doc}/"),
    Action("documents.record", "post", "/api/v1/documents/{doc}/record/", data={}),
    Action("documents.publish", "post", "/api/v1/documents/{doc}/publish/", data={}),
    Action("documents.approve", "post", "/api/v1/documents/{doc}/approve/", data={"comment": "ok"}),
    Action("documents.approve", "post", "/api/v1/documents/{doc}/reject/", data={"comment": "no"}),
    Action(
        "bank_accounts.confirm",
        "post",
        "/api/v1/documents/{doc}/bank-account/",
        data={"decision": "confirm", "iban": "LT601010012345678901"},
    ),
    Action(
        "bank_accounts.confirm",
        "post",
        "/documents/{doc}/bank-account/",
        api=False,
        data={"decision": "confirm", "iban": "LT601010012345678901"},
    ),
    Action("contacts.edit", "post", "/api/v1/contacts/", data={"name": "New Supplier OÜ"}),
    Action("contacts.edit", "patch", "/api/v1/contacts/{contact}/", data={"name": "Renamed OÜ"}),
    Action("expenses.create", "get", "/api/v1/expense-reports/"),
    Action("expenses.create", "post", "/api/v1/expense-reports/", data={"title": "Trip"}),
]


def test_every_action_names_a_known_permission():
    assert {a.permission for a in ACTIONS} <= set(PERMISSIONS)


def test_the_matrix_covers_the_permissions_with_routes():
    # Permissions without an action row yet, each with the reason (keep this list short).
    without_rows = {
        "documents.view_all": "covered by test_employees_list_only_their_own_documents",
        "bookkeeping.sync": "the sync route is admin-only (integrations.manage); no separate route",
    }
    assert set(PERMISSIONS) - {a.permission for a in ACTIONS} <= set(without_rows)


@pytest.fixture
def members(admin_user, accountant, approver, employee):
    return {"admin": admin_user, "accountant": accountant, "approver": approver, "employee": employee}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS, ids=str)
def test_role_matrix(action, role, company, members):
    doc = DocumentFactory(
        company=company, status=DocumentStatus.TO_REVIEW, uploaded_by=members["accountant"], total="12.00"
    )
    contact = ContactFactory(company=company)
    path = action.path.format(doc=doc.pk, contact=contact.pk)
    try:
        resolve(path)
    except Resolver404:
        pytest.skip(f"{action.method.upper()} {action.path} is not routed yet")

    client = member_client(members[role], company, api=action.api)
    if action.multipart:
        from django.core.files.uploadedfile import SimpleUploadedFile

        response = client.post(path, {"file": SimpleUploadedFile("bill.pdf", PDF, "application/pdf")})
    elif action.api and action.method != "get":
        response = getattr(client, action.method)(path, action.data, format="json")
    else:
        response = getattr(client, action.method)(path, action.data or {})

    if response.status_code == 405:
        pytest.skip(f"{action.method.upper()} is not allowed on {action.path} (yet)")
    allowed = role_can(role, action.permission)
    if allowed:
        assert response.status_code not in (401, 403, 404), (
            f"{role} may {action.permission} but got {response.status_code}"
        )
        assert response.status_code < 500, f"{action} as {role}: {response.status_code}"
    else:
        assert response.status_code in (403, 404), (
            f"{role} may not {action.permission} but got {response.status_code}"
        )


def test_employees_list_only_their_own_documents(api_client_for, company, members):
    own = DocumentFactory(company=company, uploaded_by=members["employee"])
    DocumentFactory(company=company, uploaded_by=members["accountant"])
    for role, user in members.items():
        response = api_client_for(user, company).get("/api/v1/documents/")
        assert response.status_code == 200
        ids = {row["id"] for row in response.json()["results"]}
        if role_can(role, "documents.view_all"):
            assert len(ids) == 2, role
        else:
            assert ids == {own.pk}, role
