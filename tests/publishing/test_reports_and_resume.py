"""Expense reports published from the report page and the API; transient Scoro failures that outlast the
task's retries wait and resume on their own (eager Celery, sandbox over HTTP); a confirmed report goes to
Scoro by itself with automatic publishing on (real worker)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import requests
from django.urls import reverse
from django.utils import timezone

from documents.models import Document, ExpenseReport
from publishing.models import PublishAttempt
from publishing.selectors import publishing_summary_for
from publishing.services import publish_document, publish_sweep
from tests.publishing.conftest import bills_with, wait_for


def _report(company, employee, coding, make_document, *, status="confirmed", receipts=1):
    report = ExpenseReport.objects.create(
        company=company,
        title="March travel",
        employee=employee,
        project=coding.project,
        status=status,
        period_end=date(2025, 3, 31),
    )
    for n in range(receipts):
        make_document(
            type="receipt",
            expense_report=report,
            invoice_number=f"R-{n}",
            subtotal=Decimal("10"),
            tax_total=Decimal("2.20"),
            total=Decimal("12.20"),
        )
    return report


# --------------------------------------------------------------------------------------------- report page
@pytest.mark.django_db
def test_report_page_publish_then_go_to_scoro(
    client,
    company,
    connection,
    coding,
    make_document,
    accountant,
    employee,
    sandbox,
    django_capture_on_commit_callbacks,
):
    report = _report(company, employee, coding, make_document)
    client.force_login(accountant)
    page = client.get(reverse("documents:report", args=[report.pk])).content.decode()
    assert 'id="report-publishing-panel"' in page and 'data-testid="publish"' in page

    with django_capture_on_commit_callbacks(execute=True):
        queued = client.post(reverse("publishing:report_publish", args=[report.pk]), HTTP_HX_REQUEST="true")
    assert 'data-status="queued"' in queued.content.decode()
    html = client.get(reverse("publishing:report_panel", args=[report.pk])).content.decode()
    report.refresh_from_db()
    assert report.status == "published"
    scoro_id = report.publish_attempt.scoro_id
    assert f'href="{sandbox.base_url}/expenses/view/{scoro_id}"' in html and "Go to Scoro" in html
    assert 'data-testid="publish"' not in html  # nothing left to publish


@pytest.mark.django_db
def test_report_publish_control_only_for_roles_that_publish(
    client, company, connection, coding, make_document, employee, sandbox
):
    report = _report(company, employee, coding, make_document)
    client.force_login(employee)  # sees their report and its Scoro status, cannot publish it
    page = client.get(reverse("documents:report", args=[report.pk])).content.decode()
    assert 'data-testid="publishing-panel"' in page and 'data-testid="publish"' not in page
    assert client.post(reverse("publishing:report_publish", args=[report.pk])).status_code == 403
    assert ExpenseReport.objects.get(pk=report.pk).status == "confirmed"


@pytest.mark.django_db
def test_api_publishes_a_report_with_202_scoped_to_the_company(
    company,
    connection,
    coding,
    make_document,
    accountant,
    employee,
    other_user,
    api_client_for,
    sandbox,
    django_capture_on_commit_callbacks,
):
    report = _report(company, employee, coding, make_document)
    url = f"/api/v1/expense-reports/{report.pk}/publish/"
    assert api_client_for(other_user).post(url).status_code == 404
    assert api_client_for(employee).post(url).status_code == 403
    draft = _report(company, employee, coding, make_document, status="draft")
    refused = api_client_for(accountant).post(f"/api/v1/expense-reports/{draft.pk}/publish/")
    assert refused.status_code == 400 and "confirmed" in refused.json()["detail"]

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client_for(accountant).post(url)
    assert response.status_code == 202
    assert response.json()["publishing"]["status"] == "queued"
    report.refresh_from_db()
    assert report.status == "published"
    calls = sandbox.calls()["total"]
    with django_capture_on_commit_callbacks(execute=True):
        again = api_client_for(accountant).post(url)  # published already: nothing new is sent
    assert again.status_code == 202 and again.json()["publishing"]["status"] == "published"
    assert sandbox.calls()["total"] == calls


# --------------------------------------------------------------------------------------------- resume
@pytest.fixture
def single_shot(settings):
    """One run per task, no client retries: a 503 ends the task's retries at once."""
    settings.PUBLISHING_MAX_RETRIES = 0
    settings.PUBLISHING_CLIENT_RETRIES = 0
    settings.PUBLISHING_RESUME_BASE_SECONDS = 300
    settings.PUBLISHING_RESUME_MAX_SECONDS = 3600


@pytest.mark.django_db
def test_outage_waits_with_next_retry_at_and_the_sweep_resumes_it(
    client,
    connection,
    make_document,
    accountant,
    sandbox,
    single_shot,
    django_capture_on_commit_callbacks,
):
    document = make_document()
    sandbox.add_fault("503", count=1000, module="bills", action="modify")
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        publish_document(document=document, actor=accountant)

    attempt = PublishAttempt.objects.get(document=document)
    assert attempt.status == "retrying" and attempt.resumes == 1
    assert before + timedelta(seconds=230) < attempt.next_retry_at <= timezone.now() + timedelta(seconds=300)
    assert Document.objects.get(pk=document.pk).status == "publish_failed"
    summary = publishing_summary_for(document=Document.objects.get(pk=document.pk))
    assert summary["status"] == "failed" and summary["retry_at"]
    client.force_login(accountant)
    html = client.get(reverse("publishing:panel", args=[document.pk])).content.decode()
    hhmm = timezone.localtime(attempt.next_retry_at).strftime("%H:%M")
    assert f"Scoro unavailable — retrying automatically at {hhmm}" in html
    assert 'data-testid="retry"' in html  # a person may still retry now

    # Not due yet: the sweep leaves it alone (the eager delayed task found it early and did nothing).
    assert publish_sweep() == 0

    # Still down when due: one more run, then a longer wait (doubling).
    PublishAttempt.objects.filter(pk=attempt.pk).update(next_retry_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert publish_sweep() == 1
    attempt.refresh_from_db()
    assert attempt.status == "retrying" and attempt.resumes == 2
    assert attempt.next_retry_at > timezone.now() + timedelta(seconds=470)

    # Scoro is back: when due, the sweep publishes it without anybody pressing Retry.
    requests.delete(f"{sandbox.base_url}/_sandbox/faults", timeout=5)
    PublishAttempt.objects.filter(pk=attempt.pk).update(next_retry_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert publish_sweep() == 1
    attempt.refresh_from_db()
    assert Document.objects.get(pk=document.pk).status == "published"
    assert attempt.status == "published" and attempt.resumes == 0 and attempt.next_retry_at is None
    assert len(bills_with(sandbox, attempt.reference)) == 1


@pytest.mark.django_db
def test_validation_errors_still_fail_fast_and_wait_for_a_person(
    connection, make_document, coding, accountant, sandbox, single_shot, django_capture_on_commit_callbacks
):
    from tests.factories import FinanceAccountFactory

    document = make_document(finance_account=FinanceAccountFactory(company=coding.company, scoro_id=25))
    with django_capture_on_commit_callbacks(execute=True):
        publish_document(document=document, actor=accountant)
    attempt = PublishAttempt.objects.get(document=document)
    assert attempt.status == "failed" and attempt.next_retry_at is None
    PublishAttempt.objects.filter(pk=attempt.pk).update(updated_at=timezone.now() - timedelta(days=1))
    assert publish_sweep() == 0


@pytest.mark.django_db
def test_reopened_document_is_not_resumed(
    connection, make_document, accountant, sandbox, single_shot, django_capture_on_commit_callbacks
):
    from publishing.services import attempt_run

    document = make_document()
    sandbox.add_fault("503", count=1000, module="bills", action="modify")
    with django_capture_on_commit_callbacks(execute=True):
        publish_document(document=document, actor=accountant)
    attempt = PublishAttempt.objects.get(document=document)
    from documents.state import transition

    transition(Document.objects.get(pk=document.pk), "reopen", actor=accountant)
    PublishAttempt.objects.filter(pk=attempt.pk).update(next_retry_at=timezone.now())
    requests.delete(f"{sandbox.base_url}/_sandbox/faults", timeout=5)
    assert attempt_run(attempt_id=attempt.pk).status == "done"
    attempt.refresh_from_db()
    assert attempt.status == "failed" and bills_with(sandbox, attempt.reference) == []
    assert Document.objects.get(pk=document.pk).status == "to_review"


# --------------------------------------------------------------------------------------------- automatic
@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_confirmed_report_is_published_automatically(
    company, connection, coding, make_document, employee, sandbox, celery_worker
):
    from documents.expense_reports import expense_report_submit

    connection.auto_publish = True
    connection.save(update_fields=["auto_publish"])
    report = _report(company, employee, coding, make_document, status="draft", receipts=2)

    report = expense_report_submit(report=report, actor=employee)  # no workflow: confirmed at once
    assert report.status in ("confirmed", "queued", "published")
    wait_for(
        lambda: ExpenseReport.objects.get(pk=report.pk).status == "published",
        timeout=30,
        message="the confirmed report to publish by itself",
    )
    attempt = PublishAttempt.objects.get(expense_report=report)
    assert attempt.requested_by is None  # automatic
    expense = sandbox.store.view("expenses", attempt.scoro_id)
    assert len(expense["lines"]) == 2
