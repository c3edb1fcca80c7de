"""Browser views: the Approvals page, decisions from it, the review panel and the Settings pages."""

import pytest

from approvals.models import ApprovalWorkflow
from approvals.services import approval_start_if_required

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_approval(make_document, make_workflow, approver, accountant):
    make_workflow([{"users": [approver]}])
    document = make_document(supplier_name="Kontorikaubad AS", invoice_number="KA-77")
    approval_start_if_required(document=document, actor=accountant)
    return document


def test_queue_shows_the_pending_document_with_its_coding_and_history(client, approver, in_approval):
    client.force_login(approver)
    page = client.get("/approvals/").content.decode()
    assert "Kontorikaubad AS" in page and "KA-77" in page
    assert "Coding" in page and "History" in page and 'data-testid="approve"' in page


def test_queue_is_empty_for_someone_not_asked(client, accountant, in_approval):
    client.force_login(accountant)
    page = client.get("/approvals/").content.decode()
    assert "Nothing waits for your approval" in page and "KA-77" not in page


def test_approve_from_the_page(client, approver, in_approval):
    client.force_login(approver)
    request_id = in_approval.approval_requests.get().pk
    response = client.post(f"/approvals/{request_id}/approve/", {"comment": "ok", "next": "/approvals/"})
    assert response.status_code == 302
    in_approval.refresh_from_db()
    assert in_approval.status == "ready"


def test_reject_without_reason_is_refused_with_a_message(client, approver, in_approval):
    client.force_login(approver)
    request_id = in_approval.approval_requests.get().pk
    page = client.post(f"/approvals/{request_id}/reject/", {"comment": ""}, follow=True).content.decode()
    assert "Give a reason for the rejection." in page
    in_approval.refresh_from_db()
    assert in_approval.status == "in_approval"


def test_other_company_cannot_decide_from_the_page(client, other_user, in_approval):
    client.force_login(other_user)
    request_id = in_approval.approval_requests.get().pk
    assert client.post(f"/approvals/{request_id}/approve/").status_code == 404


def test_review_panel_shows_steps_and_buttons_only_for_the_approver(rf, approver, accountant, in_approval):
    from django.template.loader import render_to_string

    def render_for(user):
        request = rf.get("/")
        request.user = user
        return render_to_string("approvals/_panel.html", {"document": in_approval, "request": request})

    assert 'data-testid="approve"' in render_for(approver)
    as_accountant = render_for(accountant)
    assert 'data-testid="approval-panel"' in as_accountant and 'data-testid="approve"' not in as_accountant


def test_admin_manages_workflows_in_settings(client, admin_user, approver, company):
    client.force_login(admin_user)
    assert client.get("/approvals/workflows/").status_code == 200
    form = client.get("/approvals/workflows/new/")
    assert form.status_code == 200
    response = client.post(
        "/approvals/workflows/new/",
        {
            "name": "Marketing spend",
            "document_types": ["purchase_invoice"],
            "min_amount": "1000.00",
            "priority": "10",
            "remind_after_hours": "8",
            "is_active": "on",
            "steps-TOTAL_FORMS": "2",
            "steps-INITIAL_FORMS": "0",
            "steps-MIN_NUM_FORMS": "0",
            "steps-MAX_NUM_FORMS": "10",
            "steps-0-users": [str(approver.pk)],
            "steps-0-rule": "any",
            "steps-1-roles": ["admin"],
            "steps-1-rule": "all",
        },
    )
    assert response.status_code == 302, response.content.decode()
    workflow = ApprovalWorkflow.objects.get(company=company)
    assert (workflow.name, workflow.min_amount, workflow.remind_after_hours) == ("Marketing spend", 1000, 8)
    assert [(list(s.users.all()), s.roles, s.rule) for s in workflow.steps.all()] == [
        ([approver], [], "any"),
        ([], ["admin"], "all"),
    ]
    assert "Marketing spend" in client.get("/approvals/workflows/").content.decode()
    assert client.get(f"/approvals/workflows/{workflow.pk}/").status_code == 200

    client.post("/approvals/workflows/", {})  # checkbox unticked → approvals off
    company.refresh_from_db()
    assert company.approvals_enabled is False


@pytest.mark.parametrize("role", ["accountant", "approver", "employee"])
def test_workflow_settings_are_admin_only(client, member, role):
    client.force_login(member(f"{role}-y", role=role))
    assert client.get("/approvals/workflows/").status_code == 403


def test_demo_workflow(company, admin_user, approver):
    from approvals.demo import DEMO_WORKFLOW, approval_workflow

    approval_workflow(company)
    approval_workflow(company)  # idempotent
    workflow = ApprovalWorkflow.objects.get(company=company)
    assert workflow.name == DEMO_WORKFLOW and workflow.min_amount == 5000
    assert workflow.document_types == ["purchase_invoice"]
    assert [list(s.users.all()) for s in workflow.steps.all()] == [[approver]]
