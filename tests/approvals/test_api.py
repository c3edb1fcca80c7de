"""REST: workflows for admins, approve/reject for the approvers of the current step only."""

import pytest

from approvals.services import approval_start_if_required

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_approval(make_document, make_workflow, approver, accountant):
    make_workflow([{"users": [approver]}])
    document = make_document()
    assert approval_start_if_required(document=document, actor=accountant)
    return document


def test_admin_creates_lists_updates_and_deletes_workflows(api_client_for, admin_user, approver):
    client = api_client_for(admin_user)
    payload = {
        "name": "Large purchase invoices",
        "document_types": ["purchase_invoice"],
        "min_amount": "5000.00",
        "steps": [{"approvers": [approver.pk], "rule": "any"}, {"roles": ["admin"], "rule": "all"}],
    }
    created = client.post("/api/v1/approval-workflows/", payload, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["name"] == "Large purchase invoices" and body["min_amount"] == "5000.00"
    assert body["steps"][0] == {
        "approvers": [approver.pk],
        "roles": [],
        "project_manager": False,
        "rule": "any",
    }
    assert body["steps"][1]["roles"] == ["admin"] and body["steps"][1]["rule"] == "all"

    listed = client.get("/api/v1/approval-workflows/").json()["results"]
    assert [w["id"] for w in listed] == [body["id"]]

    patched = client.patch(
        f"/api/v1/approval-workflows/{body['id']}/", {"min_amount": "7500.00"}, format="json"
    )
    assert patched.status_code == 200
    assert patched.json()["min_amount"] == "7500.00" and len(patched.json()["steps"]) == 2

    assert client.delete(f"/api/v1/approval-workflows/{body['id']}/").status_code == 204
    assert client.get("/api/v1/approval-workflows/").json()["results"] == []


def test_workflow_validation_errors(api_client_for, admin_user, other_user):
    client = api_client_for(admin_user)
    no_steps = client.post("/api/v1/approval-workflows/", {"name": "x", "steps": []}, format="json")
    assert no_steps.status_code == 400
    foreign = client.post(
        "/api/v1/approval-workflows/", {"name": "x", "steps": [{"approvers": [other_user.pk]}]}, format="json"
    )
    assert foreign.status_code == 400
    bad_rule = client.post(
        "/api/v1/approval-workflows/",
        {"name": "x", "steps": [{"approvers": [], "rule": "most"}]},
        format="json",
    )
    assert bad_rule.status_code == 400


@pytest.mark.parametrize("role", ["accountant", "approver", "employee"])
def test_workflows_are_admin_only(api_client_for, member, role):
    assert (
        api_client_for(member(f"{role}-x", role=role)).get("/api/v1/approval-workflows/").status_code == 403
    )


def test_workflow_of_another_company_is_404(api_client_for, admin_user, other_user, other_company):
    from approvals.services import approval_workflow_save

    theirs = approval_workflow_save(
        company=other_company, actor=other_user, name="Theirs", steps=[{"roles": ["admin"]}]
    )
    assert api_client_for(admin_user).get(f"/api/v1/approval-workflows/{theirs.pk}/").status_code == 404


def test_approver_approves_through_the_api(api_client_for, approver, in_approval):
    response = api_client_for(approver).post(
        f"/api/v1/documents/{in_approval.pk}/approve/", {"comment": "Fine"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "ready"
    decision = response.json()["approvals"][0]["decisions"][0]
    assert (decision["user"], decision["decision"], decision["comment"]) == (approver.pk, "approved", "Fine")


def test_reject_needs_a_reason_and_says_rejected_with_it(api_client_for, approver, in_approval):
    client = api_client_for(approver)
    assert client.post(f"/api/v1/documents/{in_approval.pk}/reject/", {}, format="json").status_code == 400
    response = client.post(
        f"/api/v1/documents/{in_approval.pk}/reject/", {"comment": "Duplicate"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    detail = client.get(f"/api/v1/documents/{in_approval.pk}/").json()
    assert (detail["status"], detail["status_label"]) == ("rejected", "Rejected")
    assert detail["rejection"]["reason"] == "Duplicate"
    assert detail["rejection"]["by"] == (approver.get_full_name() or approver.username)


def test_member_who_is_not_an_approver_of_the_step_gets_403(
    api_client_for, accountant, employee, in_approval
):
    for user in (accountant, employee):
        response = api_client_for(user).post(
            f"/api/v1/documents/{in_approval.pk}/approve/", {}, format="json"
        )
        assert response.status_code in (403, 404)
    response = api_client_for(accountant).post(
        f"/api/v1/documents/{in_approval.pk}/approve/", {}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "You are not an approver of the current step."


def test_approver_of_another_company_gets_404(api_client_for, other_user, in_approval):
    response = api_client_for(other_user).post(
        f"/api/v1/documents/{in_approval.pk}/approve/", {}, format="json"
    )
    assert response.status_code == 404
    in_approval.refresh_from_db()
    assert in_approval.status == "in_approval"


def test_document_not_in_approval_is_409(api_client_for, approver, make_document):
    document = make_document()
    response = api_client_for(approver).post(f"/api/v1/documents/{document.pk}/approve/", {}, format="json")
    assert response.status_code == 409


def test_forward_through_the_api(api_client_for, approver, member, in_approval):
    deputy = member("deputy")
    response = api_client_for(approver).post(
        f"/api/v1/documents/{in_approval.pk}/forward/", {"to": deputy.pk, "comment": "Yours"}, format="json"
    )
    assert response.status_code == 200
    assert [a["id"] for a in response.json()["approvals"][0]["approvers"]] == [deputy.pk]
    assert (
        api_client_for(deputy)
        .post(f"/api/v1/documents/{in_approval.pk}/approve/", {}, format="json")
        .json()["status"]
        == "ready"
    )


def test_badge_counts_pending_approvals(client, approver, accountant, in_approval):
    client.force_login(approver)
    page = client.get("/documents/").content.decode()
    assert 'data-testid="approvals-badge">1<' in page
    client.force_login(accountant)
    assert 'data-testid="approvals-badge"' not in client.get("/documents/").content.decode()
