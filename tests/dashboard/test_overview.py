"""The Overview dashboard: its numbers, tenant scope, who may see it, and a constant number of queries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dashboard.selectors import chart_payload, overview_for
from documents.choices import DocumentStatus as S
from documents.choices import DocumentType
from scoro_sync.models import ApiCallCount, ScoroConnection
from scoro_sync.services import scoro_today
from tests.factories import DocumentFactory, ProjectFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 15)


def _doc(company, **kwargs):
    return DocumentFactory(company=company, **kwargs)


@pytest.fixture
def books(company, other_company, accountant, admin_user):
    """A small company ledger, and noise in another company that must never show up."""
    alpha = ProjectFactory(company=company, name="Alpha")
    beta = ProjectFactory(company=company, name="Beta")
    # Spend: approved purchases/receipts in the company currency, within 12 months.
    _doc(
        company, status=S.PUBLISHED, project=alpha, total=Decimal("100.00"), currency="EUR", issue_date=TODAY
    )
    _doc(company, status=S.READY, project=alpha, total=Decimal("50.50"), currency="", issue_date=TODAY)
    _doc(
        company,
        status=S.PUBLISH_FAILED,
        project=beta,
        total=Decimal("20.00"),
        currency="EUR",
        issue_date=date(2026, 1, 10),
        type=DocumentType.RECEIPT,
        supplier_name="Failing Supplier",
    )
    _doc(company, status=S.PUBLISHED, total=Decimal("7.00"), currency="EUR", issue_date=date(2025, 12, 1))
    # Not spend: other currency, sales, still in review, too old.
    _doc(company, status=S.PUBLISHED, project=beta, total=Decimal("999.00"), currency="USD", issue_date=TODAY)
    _doc(
        company,
        status=S.PUBLISHED,
        total=Decimal("888.00"),
        currency="EUR",
        issue_date=TODAY,
        type=DocumentType.SALES_INVOICE,
    )
    _doc(
        company,
        status=S.TO_REVIEW,
        total=Decimal("777.00"),
        currency="EUR",
        issue_date=TODAY,
        assigned_to=accountant,
    )
    _doc(company, status=S.TO_REVIEW, assigned_to=admin_user)
    _doc(company, status=S.PUBLISHED, total=Decimal("666.00"), currency="EUR", issue_date=date(2024, 1, 1))
    # Noise in the other company.
    other_project = ProjectFactory(company=other_company, name="Theirs")
    for status in (S.PUBLISHED, S.PUBLISH_FAILED, S.TO_REVIEW):
        _doc(
            other_company,
            status=status,
            project=other_project,
            total=Decimal("5000.00"),
            currency="EUR",
            issue_date=timezone.localdate(),  # the page uses the real date
            assigned_to=accountant,
            fields={"total": "5000.00"},
            corrected_fields=["total"],
        )
    ApiCallCount.objects.create(company=other_company, day=scoro_today(), calls=9999)
    return {"alpha": alpha, "beta": beta}


def test_documents_by_status_and_waiting_for_me(company, accountant, books):
    overview = overview_for(user=accountant, company=company, today=TODAY)
    counts = {row["status"]: row["count"] for row in overview.status_counts}
    assert counts[S.PUBLISHED] == 5
    assert counts[S.TO_REVIEW] == 2
    assert counts[S.READY] == 1
    assert counts[S.PUBLISH_FAILED] == 1
    assert counts[S.RECEIVED] == 0
    assert overview.total_documents == 9
    assert overview.waiting_review == 1  # the admin's document is not the accountant's
    assert [d["total"] for d in overview.waiting_documents] == [Decimal("777.00")]
    assert overview.waiting_approvals == 0
    assert overview.failures_count == 1
    assert [d["supplier_name"] for d in overview.failures] == ["Failing Supplier"]


def test_spend_per_month_and_project_in_company_currency(company, accountant, books):
    overview = overview_for(user=accountant, company=company, today=TODAY)
    months = {row["month"]: row["total"] for row in overview.spend_by_month}
    assert len(months) == 12
    assert min(months) == date(2025, 4, 1) and max(months) == date(2026, 3, 1)
    assert months[date(2026, 3, 1)] == Decimal("150.50")
    assert months[date(2026, 1, 1)] == Decimal("20.00")
    assert months[date(2025, 12, 1)] == Decimal("7.00")
    assert months[date(2026, 2, 1)] == 0
    assert overview.spend_total == Decimal("177.50")
    assert overview.spend_other_currency == 1
    assert overview.spend_by_project == [
        {"project": "Alpha", "total": Decimal("150.50")},
        {"project": "Beta", "total": Decimal("20.00")},
        {"project": "No project", "total": Decimal("7.00")},
    ]
    payload = chart_payload(overview)
    assert payload["spendByProject"]["labels"] == ["Alpha", "Beta", "No project"]
    assert payload["spendByMonth"]["values"][-1] == 150.5


def test_spend_per_project_folds_the_tail_into_other_projects(company, accountant):
    for n in range(10):
        project = ProjectFactory(company=company, name=f"P{n}")
        _doc(
            company,
            status=S.PUBLISHED,
            project=project,
            total=Decimal(100 + n),
            currency="EUR",
            issue_date=TODAY,
        )
    rows = overview_for(user=accountant, company=company, today=TODAY).spend_by_project
    assert [r["project"] for r in rows[:2]] == ["P9", "P8"]
    assert rows[-1] == {"project": "Other projects", "total": Decimal("201")}  # P0 + P1
    assert len(rows) == 9


def test_extraction_accuracy_is_the_share_of_fields_people_did_not_change(company, accountant, books):
    extracted = {
        "supplier_name": "Acme",
        "total": "10.00",
        "issue_date": "2026-03-01",
        "iban": None,
        "po_number": "",
    }
    _doc(company, status=S.PUBLISHED, fields=extracted, corrected_fields=["total"])
    _doc(company, status=S.READY, fields=extracted, corrected_fields=[])
    _doc(company, status=S.IN_APPROVAL, fields=extracted, corrected_fields=["total", "supplier_name"])
    # Still in review: not counted yet, whatever was corrected so far.
    _doc(company, status=S.TO_REVIEW, fields=extracted, corrected_fields=["issue_date"])

    overview = overview_for(user=accountant, company=company, today=TODAY)
    by_name = {f.name: f for f in overview.accuracy_by_field}
    assert (by_name["total"].extracted, by_name["total"].changed) == (3, 2)
    assert (by_name["supplier_name"].extracted, by_name["supplier_name"].changed) == (3, 1)
    assert (by_name["issue_date"].extracted, by_name["issue_date"].changed) == (3, 0)
    assert by_name["iban"].extracted == 0 and by_name["po_number"].extracted == 0  # null and empty
    assert (overview.accuracy.extracted, overview.accuracy.changed) == (9, 3)
    assert overview.accuracy.percent == pytest.approx(66.7)


def test_scoro_api_calls_against_the_daily_budget(company, accountant, books):
    ScoroConnection.objects.create(company=company, daily_call_budget=500, state="connected")
    today = scoro_today()
    ApiCallCount.objects.create(company=company, day=today, calls=120)
    ApiCallCount.objects.create(company=company, day=today - timedelta(days=3), calls=40)
    ApiCallCount.objects.create(company=company, day=today - timedelta(days=30), calls=400)

    overview = overview_for(user=accountant, company=company, today=TODAY)
    assert overview.api_calls_today == 120
    assert overview.api_call_budget == 500
    assert overview.api_calls_percent == 24.0
    assert len(overview.api_calls_by_day) == 14
    assert sum(d["calls"] for d in overview.api_calls_by_day) == 160
    assert overview.scoro_state == "Connected"


def test_without_a_connection_the_budget_is_the_default(company, accountant, settings):
    settings.SCORO_DAILY_CALL_BUDGET = 1234
    overview = overview_for(user=accountant, company=company, today=TODAY)
    assert (overview.api_calls_today, overview.api_call_budget) == (0, 1234)


def test_query_count_does_not_grow_with_data(company, accountant, books):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            overview_for(user=accountant, company=company, today=TODAY)
        return len(ctx.captured_queries)

    before = queries()
    for n in range(15):
        project = ProjectFactory(company=company, name=f"More {n}")
        _doc(
            company,
            status=S.PUBLISH_FAILED,
            project=project,
            total=Decimal(n),
            currency="EUR",
            issue_date=TODAY,
        )
        _doc(company, status=S.TO_REVIEW, assigned_to=accountant)
    assert queries() == before
    assert before <= 10


@pytest.mark.parametrize("role_user", ["admin_user", "accountant"])
def test_accountants_and_admins_see_the_page(client, company, books, role_user, request):
    client.force_login(request.getfixturevalue(role_user))
    response = client.get(reverse("dashboard:overview"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="dashboard-data"' in body
    assert "Failing Supplier" in body
    assert "Theirs" not in body  # the other company's project
    assert "chart-4.6.1.umd.min.js" in body and "js/dashboard.js" in body
    assert "https://" not in body  # no CDN


@pytest.mark.parametrize("role_user", ["employee", "approver"])
def test_employees_and_approvers_get_403(client, company, role_user, request):
    client.force_login(request.getfixturevalue(role_user))
    assert client.get(reverse("dashboard:overview")).status_code == 403


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(reverse("dashboard:overview"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_other_company_admin_sees_only_their_numbers(client, other_user, books):
    client.force_login(other_user)
    response = client.get(reverse("dashboard:overview"))
    assert response.status_code == 200
    overview = response.context["overview"]
    assert overview.total_documents == 3
    # published and publish_failed count as spend; the one in review does not
    assert overview.spend_by_project == [{"project": "Theirs", "total": Decimal("10000.00")}]
    assert overview.api_calls_today == 9999
    assert "Failing Supplier" not in response.content.decode()


def test_a_credit_note_reduces_spend_and_lists_show_it_negative(client, company, accountant):
    # A credit note keeps the positive amounts its XML states; the one sign convention makes it count −1.
    project = ProjectFactory(company=company, name="Alpha")
    _doc(company, status=S.READY, project=project, total=Decimal("100.00"), currency="EUR", issue_date=TODAY)
    credit = _doc(
        company, status=S.READY, project=project, total=Decimal("30.00"), subtotal=Decimal("25.00"),
        currency="EUR", issue_date=TODAY, fields={"einvoice": {"credit_note": True, "type_code": "381"}},
    )  # fmt: skip
    assert credit.is_credit_note and credit.signed_total == Decimal("-30.00")

    overview = overview_for(user=accountant, company=company, today=TODAY)
    assert overview.spend_total == Decimal("70.00")
    assert overview.spend_by_project == [{"project": "Alpha", "total": Decimal("70.00")}]

    client.force_login(accountant)
    row = client.get(reverse("documents:row", args=[credit.pk]))
    assert row.status_code == 200 and "-30.00" in row.content.decode()
