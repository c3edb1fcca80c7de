"""Issue 15, findings 2 and 5 for rules, workflows and expense reports: malformed bodies are 400s
naming the field; only the report's employee and accountants/admins change a report; adding a
document to a report never retypes it."""

from __future__ import annotations

import pytest

from approvals.models import ApprovalWorkflow
from documents.models import Document, ExpenseReport
from rules.models import Rule
from tests.factories import make_document

pytestmark = pytest.mark.django_db


def _rule(books, **extra):
    return {"name": "Hosting", "keyword": "hosting", "project": books["project"].pk, **extra}


@pytest.mark.parametrize(
    "extra",
    [
        {"name": 123},
        {"name": ["a"]},
        {"name": "x" * 10_000},
        {"position": 10**30},
        {"position": -5},
        {"amount_min": "NaN"},
        {"amount_min": "Infinity"},
        {"amount_max": "1e30"},
        {"project": True},
        {"project": 4.9},
        {"dimensions": 5},
        {"dimensions": ["abc"]},
        {"approver": "abc"},
        {"no_such_key": 1},
        {"conditions": [1]},
    ],
    ids=lambda extra: str(extra)[:40],
)
def test_malformed_rule_is_400(api_client_for, accountant, company, books, extra):
    response = api_client_for(accountant).post("/api/v1/rules/", _rule(books, **extra), format="json")
    assert response.status_code == 400, response.content
    assert response.json()["detail"]
    assert not Rule.objects.exists()


def test_rule_list_bodies_and_good_rule(api_client_for, accountant, company, books):
    api = api_client_for(accountant)
    assert api.post("/api/v1/rules/", [1, 2], format="json").status_code == 400
    assert api.post("/api/v1/rules/preview/", [1], format="json").status_code == 400
    created = api.post("/api/v1/rules/", _rule(books, position=5), format="json")
    assert created.status_code == 201, created.json()
    rule_id = created.json()["id"]
    assert api.patch(f"/api/v1/rules/{rule_id}/", [1], format="json").status_code == 400
    assert api.patch(f"/api/v1/rules/{rule_id}/", {"position": 10**30}, format="json").status_code == 400
    assert Rule.objects.get(pk=rule_id).position == 5


def test_browser_rule_form_refuses_huge_values(client, accountant, company, books):
    client.force_login(accountant)
    response = client.post(
        "/rules/new/",
        {"name": "Hosting", "keyword": "hosting", "project": books["project"].pk, "position": str(10**30)},
    )
    assert response.status_code == 400
    assert not Rule.objects.exists()


def _workflow(admin_user, **extra):
    return {"name": "Big bills", "min_amount": "100.00", "steps": [{"approvers": [admin_user.pk]}], **extra}


@pytest.mark.parametrize(
    "extra",
    [
        {"priority": 10**30},
        {"min_amount": "NaN"},
        {"min_amount": "1e30"},
        {"project": True},
        {"steps": [{"approvers": ["abc"]}]},
        {"steps": [{"approvers": [1], "surprise": 1}]},
        {"unknown": 1},
    ],
    ids=lambda extra: str(extra)[:40],
)
def test_malformed_workflow_is_400(api_client_for, admin_user, company, extra):
    response = api_client_for(admin_user).post(
        "/api/v1/approval-workflows/", _workflow(admin_user, **extra), format="json"
    )
    assert response.status_code == 400, response.content
    assert not ApprovalWorkflow.objects.filter(company=company).exists()


@pytest.mark.parametrize(
    "body",
    [
        {"title": "Trip", "documents": ["abc"]},
        {"title": "Trip", "documents": [10**30]},
        {"title": "Trip", "documents": "1"},
        {"title": "Trip", "project": True},
        {"title": "Trip", "project": 4.9},
        {"title": "Trip", "employee": "abc"},
        {"title": "x" * 10_000},
        {"title": "Trip", "surprise": 1},
        [1, 2],
    ],
    ids=lambda body: str(body)[:40],
)
def test_malformed_expense_report_is_400(api_client_for, employee, company, body):
    response = api_client_for(employee).post("/api/v1/expense-reports/", body, format="json")
    assert response.status_code == 400, response.content
    assert not ExpenseReport.objects.filter(company=company).exists()


def _draft(company, employee):
    return ExpenseReport.objects.create(company=company, employee=employee, title="May trip")


def test_only_the_employee_and_accountants_change_a_report(
    api_client_for, company, employee, approver, accountant, admin_user
):
    """Finding 5: an approver could PATCH an employee's draft and add the admin's invoice to it."""
    report = _draft(company, employee)
    invoice = make_document(company, uploaded_by=admin_user, type="purchase_invoice")
    url = f"/api/v1/expense-reports/{report.pk}/"
    response = api_client_for(approver).patch(url, {"documents": [invoice.pk]}, format="json")
    assert response.status_code == 403
    assert "accountants or admins" in response.json()["detail"]
    response = api_client_for(approver).patch(url, {"title": "Mine now"}, format="json")
    assert response.status_code == 403
    assert api_client_for(approver).post(f"{url}submit/").status_code == 403
    report.refresh_from_db()
    assert report.title == "May trip" and not report.documents.exists()
    assert api_client_for(employee).patch(url, {"title": "June trip"}, format="json").status_code == 200
    assert api_client_for(accountant).patch(url, {"title": "July trip"}, format="json").status_code == 200


def test_adding_a_document_never_retypes_it(api_client_for, company, employee, accountant, admin_user):
    report = _draft(company, employee)
    invoice = make_document(company, uploaded_by=admin_user, type="purchase_invoice")
    response = api_client_for(accountant).patch(
        f"/api/v1/expense-reports/{report.pk}/", {"documents": [invoice.pk]}, format="json"
    )
    assert response.status_code == 400 and "Only receipts" in response.json()["detail"]
    invoice = Document.objects.get(pk=invoice.pk)
    assert invoice.type == "purchase_invoice" and invoice.expense_report_id is None
    receipt = make_document(company, uploaded_by=employee, type="receipt")
    response = api_client_for(employee).patch(
        f"/api/v1/expense-reports/{report.pk}/", {"documents": [receipt.pk]}, format="json"
    )
    assert response.status_code == 200 and response.json()["documents"] == [receipt.pk]


def test_stale_expense_report_version_is_409(api_client_for, company, employee):
    report = _draft(company, employee)
    api = api_client_for(employee)
    url = f"/api/v1/expense-reports/{report.pk}/"
    read = api.get(url).json()["version"]
    assert api.patch(url, {"title": "A", "version": read}, format="json").status_code == 200
    stale = api.patch(url, {"title": "B", "version": read}, format="json")
    assert stale.status_code == 409 and stale.json()["version"] == read + 1
    assert ExpenseReport.objects.get(pk=report.pk).title == "A"


def test_browser_report_page_refuses_a_bad_receipt_id(client, company, employee):
    report = _draft(company, employee)
    client.force_login(employee)
    response = client.post(f"/documents/reports/{report.pk}/", {"action": "remove", "document": "abc"})
    assert response.status_code == 302  # back to the report with the reason, not a 500
