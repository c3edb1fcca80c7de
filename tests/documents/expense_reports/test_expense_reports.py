"""Expense reports: create, add receipts, per-line projects, submit, totals, API, tenants and roles."""

from unittest import mock

import pytest

from bookkeeping.models import DimensionGroup
from core.errors import InvalidTransition, ValidationFailed
from documents.coding import document_update
from documents.expense_report_checks import receipts_waiting
from documents.expense_reports import (
    expense_report_add_documents,
    expense_report_confirm,
    expense_report_create,
    expense_report_set_line_project,
    expense_report_submit,
    expense_report_totals,
    project_on_expense_form,
)
from tests.factories import make_document

pytestmark = pytest.mark.django_db


def _membership(user):
    return user.memberships.select_related("company").get()


def _receipt(company, employee, total):
    return make_document(
        company,
        type="receipt",
        uploaded_by=employee,
        fields={"total": total, "subtotal": None, "tax_total": None},
    )


def test_build_and_submit_with_per_line_project(company, employee, accountant, books):
    membership = _membership(employee)
    taxi, lunch = _receipt(company, employee, "14.60"), _receipt(company, employee, "32.10")
    report = expense_report_create(
        membership=membership,
        data={
            "title": "Riga",
            "period_start": "2024-05-01",
            "period_end": "2024-05-31",
            "project": books["project"].pk,
        },
        actor=employee,
    )
    assert report.employee == employee and report.status == "draft"
    expense_report_add_documents(
        report=report, document_ids=[taxi.pk, lunch.pk], membership=membership, actor=employee
    )
    expense_report_set_line_project(
        report=report, document=lunch, project=books["project2"].pk, membership=membership, actor=employee
    )
    totals = expense_report_totals(report)
    assert (str(totals["total"]), str(totals["reimbursable"])) == ("46.70", "46.70")
    with mock.patch("approvals.services.approval_start_for_expense_report", return_value=False) as start:
        report = expense_report_submit(report=report, actor=employee)
    start.assert_called_once()
    # No approval needed, but the receipts have no finance account yet: the report waits for them.
    assert report.status == "submitted" and report.submitted_at and not report.confirmed_at
    assert [c.waiting for c in receipts_waiting(report)] == [["no finance account"]] * 2
    with pytest.raises(ValidationFailed, match="2 receipts are not read and coded yet"):
        expense_report_confirm(report=report, actor=accountant)
    for receipt in (taxi, lunch):
        document_update(document=receipt, data={"finance_account": books["account"].pk}, actor=accountant)
    report = expense_report_confirm(report=report, actor=accountant)
    assert report.status == "confirmed" and report.confirmed_at
    taxi.refresh_from_db()
    lunch.refresh_from_db()
    assert taxi.project == books["project"]  # the report's
    assert lunch.project == books["project2"]  # its own
    assert taxi.coding_sources["project"] == {"kind": "expense report", "label": "Riga"}
    with pytest.raises(InvalidTransition):
        expense_report_submit(report=report, actor=employee)


def test_company_card_is_not_reimbursable(company, employee):
    membership = _membership(employee)
    report = expense_report_create(
        membership=membership, data={"title": "Card", "paid_by": "company_card"}, actor=employee
    )
    expense_report_add_documents(
        report=report,
        document_ids=[_receipt(company, employee, "10.00").pk],
        membership=membership,
        actor=employee,
    )
    assert expense_report_totals(report)["reimbursable"] == 0


def test_refusals(company, employee, accountant):
    membership = _membership(employee)
    with pytest.raises(ValidationFailed, match="title"):
        expense_report_create(membership=membership, data={"title": ""}, actor=employee)
    with pytest.raises(ValidationFailed, match="ends before it starts"):
        expense_report_create(
            membership=membership,
            data={"title": "x", "period_start": "2024-05-02", "period_end": "2024-05-01"},
            actor=employee,
        )
    report = expense_report_create(membership=membership, data={"title": "x"}, actor=employee)
    with pytest.raises(ValidationFailed, match="at least one receipt"):
        expense_report_submit(report=report, actor=employee)
    someone_elses = make_document(company, type="receipt", uploaded_by=accountant)
    with pytest.raises(ValidationFailed, match="cannot be added"):
        expense_report_add_documents(
            report=report, document_ids=[someone_elses.pk], membership=membership, actor=employee
        )
    with pytest.raises(ValidationFailed, match="only create reports for yourself"):
        expense_report_create(
            membership=membership, data={"title": "x", "employee": accountant.pk}, actor=employee
        )


def test_accountant_creates_a_report_for_an_employee(company, employee, accountant):
    report = expense_report_create(
        membership=_membership(accountant),
        data={"title": "For Jaan", "employee": employee.pk},
        actor=accountant,
    )
    assert report.employee == employee


def test_project_shows_on_the_form_only_when_the_group_says_so(company):
    assert not project_on_expense_form(company)
    DimensionGroup.objects.create(company=company, name="Project", show_on_expense_form=True)
    assert project_on_expense_form(company)


def test_api(api_client_for, company, employee, accountant, other_user, books):
    receipt = _receipt(company, employee, "20.00")
    client = api_client_for(employee)
    response = client.post(
        "/api/v1/expense-reports/",
        {"title": "Tallinn", "project": books["project"].pk, "documents": [receipt.pk]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    report_id = response.json()["id"]
    assert response.json()["documents"] == [receipt.pk] and response.json()["reimbursable"] == "20.00"
    response = client.patch(
        f"/api/v1/expense-reports/{report_id}/",
        {"lines": [{"document": receipt.pk, "project": books["project2"].pk}]},
        format="json",
    )
    assert response.json()["lines"][0]["project"] == books["project2"].pk
    response = client.post(f"/api/v1/expense-reports/{report_id}/submit/")
    # The receipt has no finance account: the report waits, and says for which receipt and why.
    body = response.json()
    assert response.status_code == 200 and body["status"] == "submitted"
    assert body["waiting_for"] == [receipt.pk] and body["lines"][0]["waiting"] == ["no finance account"]
    # Nobody has decided yet: the employee may take it back, and submit it again.
    assert client.post(f"/api/v1/expense-reports/{report_id}/withdraw/").json()["status"] == "draft"
    assert client.post(f"/api/v1/expense-reports/{report_id}/submit/").json()["status"] == "submitted"
    assert client.post(f"/api/v1/expense-reports/{report_id}/confirm/").status_code == 403
    books_client = api_client_for(accountant)
    assert books_client.post(f"/api/v1/expense-reports/{report_id}/confirm/").status_code == 400
    receipt.finance_account = books["account"]
    receipt.save()
    response = books_client.post(f"/api/v1/expense-reports/{report_id}/confirm/")
    assert response.status_code == 200 and response.json()["status"] == "confirmed"
    assert client.post(f"/api/v1/expense-reports/{report_id}/withdraw/").status_code == 409
    assert (
        client.patch(f"/api/v1/expense-reports/{report_id}/", {"title": "New"}, format="json").status_code
        == 409
    )
    assert [r["id"] for r in client.get("/api/v1/expense-reports/").json()["results"]] == [report_id]
    # The accountant sees it; another company does not.
    assert api_client_for(accountant).get(f"/api/v1/expense-reports/{report_id}/").status_code == 200
    other = api_client_for(other_user)
    assert other.get(f"/api/v1/expense-reports/{report_id}/").status_code == 404
    assert other.post(f"/api/v1/expense-reports/{report_id}/submit/").status_code == 404


def test_employees_see_only_their_own_reports(api_client_for, company, employee, accountant):
    from tests.factories import MembershipFactory

    colleague = MembershipFactory(company=company, role="employee", user__username="colleague").user
    report = expense_report_create(
        membership=_membership(accountant), data={"title": "Mine"}, actor=accountant
    )
    assert api_client_for(colleague).get(f"/api/v1/expense-reports/{report.pk}/").status_code == 404
    assert api_client_for(employee).get("/api/v1/expense-reports/").json()["results"] == []


def test_confirmed_report_is_offered_to_automatic_publishing(
    company, employee, books, django_capture_on_commit_callbacks
):
    """A report that needs no approval is confirmed and handed to publishing once committed."""
    membership = employee.memberships.get()
    report = expense_report_create(membership=membership, data={"title": "Trip"}, actor=employee)
    receipt = make_document(
        company,
        type="receipt",
        uploaded_by=employee,
        finance_account=books["account"],
        project=books["project"],
    )
    expense_report_add_documents(
        report=report, document_ids=[receipt.pk], membership=membership, actor=employee
    )
    with (
        mock.patch("publishing.services.publish_expense_report_if_automatic") as publish,
        django_capture_on_commit_callbacks(execute=True),
    ):
        report = expense_report_submit(report=report, actor=employee)
    assert report.status == "confirmed"
    publish.assert_called_once()
    assert publish.call_args.kwargs["report"].pk == report.pk
