"""Routing, steps, decisions and restarts, through the real services and the state machine."""

from decimal import Decimal

import pytest

from approvals import selectors, services
from approvals.models import ApprovalRequest
from audit.selectors import audit_trail_for
from core.errors import InvalidTransition, NotPermitted, ValidationFailed
from documents.selectors import rejection_for
from tests.factories import FinanceAccountFactory, ProjectFactory, make_document

pytestmark = pytest.mark.django_db


def _start(document, actor):
    return services.approval_start_if_required(document=document, actor=actor)


def _pending(document):
    return services.approval_request_for_decision(document=document)


def test_no_workflow_means_no_approval(make_document, accountant):
    document = make_document(total="99999.00")
    assert _start(document, accountant) is False
    document.refresh_from_db()
    assert document.status == "to_review"
    assert not ApprovalRequest.objects.exists()


def test_approvals_disabled_for_the_company_means_no_approval(
    company, make_document, make_workflow, approver, accountant
):
    make_workflow([{"users": [approver]}])
    company.approvals_enabled = False
    company.save()
    assert _start(make_document(total="9000.00"), accountant) is False


@pytest.mark.parametrize(
    ("total", "currency", "needs_approval"),
    [("4999.99", "EUR", False), ("5000.00", "EUR", False), ("5000.01", "EUR", True), ("100.00", "USD", True)],
)
def test_threshold_routing(
    make_document, make_workflow, approver, accountant, total, currency, needs_approval
):
    """Above the threshold in company currency; a foreign-currency total cannot be shown to be below it."""
    make_workflow([{"users": [approver]}])
    document = make_document(total=total, currency=currency)
    assert _start(document, accountant) is needs_approval
    document.refresh_from_db()
    assert document.status == ("in_approval" if needs_approval else "to_review")


def test_workflow_conditions_document_type_project_and_priority(
    make_document, make_workflow, company, approver, member, accountant
):
    special = member("pm")
    project = ProjectFactory(company=company)
    make_workflow([{"users": [approver]}], name="All purchases", min_amount="0", priority=50)
    make_workflow([{"users": [special]}], name="Project X", min_amount="0", project=project, priority=10)
    receipt = make_document(type="receipt")
    assert _start(receipt, accountant) is False
    in_project = make_document(project=project)
    assert _start(in_project, accountant) is True
    assert _pending(in_project).workflow_name == "Project X"
    other = make_document()
    assert _start(other, accountant) is True
    assert _pending(other).workflow_name == "All purchases"


def test_sequential_steps_and_approve_makes_ready(
    make_document, make_workflow, approver, member, accountant, monkeypatch
):
    cfo = member("cfo", first_name="Jaan", last_name="Kask")
    make_workflow([{"users": [approver]}, {"users": [cfo]}])
    published = []
    monkeypatch.setattr(
        "publishing.services.publish_if_automatic", lambda *, document: published.append(document.pk)
    )
    document = make_document()
    assert _start(document, accountant)

    # Step 2's approver cannot act before step 1 is done.
    with pytest.raises(NotPermitted):
        services.approval_approve(request=_pending(document), actor=cfo)
    services.approval_approve(request=_pending(document), actor=approver, comment="OK")
    document.refresh_from_db()
    assert document.status == "in_approval"
    assert selectors.approval_pending_count(user=cfo, company=document.company) == 1
    assert selectors.approval_pending_count(user=approver, company=document.company) == 0

    services.approval_approve(request=_pending(document), actor=cfo)
    document.refresh_from_db()
    assert document.status == "ready"
    assert published == [document.pk]
    verbs = [e.verb for e in audit_trail_for(target=document)]
    assert verbs == ["send_to_approval", "approval_approved", "approval_approved", "approve"]


def test_any_step_needs_one_all_step_needs_everyone(make_document, make_workflow, member, accountant):
    a, b, c, d = (member(n) for n in "abcd")
    make_workflow([{"users": [a, b], "rule": "any"}, {"users": [c, d], "rule": "all"}])
    document = make_document()
    _start(document, accountant)
    services.approval_approve(request=_pending(document), actor=b)
    # Step 1 done by one of two; b's colleague a has nothing left to do.
    assert selectors.approval_pending_count(user=a, company=document.company) == 0
    services.approval_approve(request=_pending(document), actor=c)
    document.refresh_from_db()
    assert document.status == "in_approval"
    with pytest.raises(InvalidTransition):
        services.approval_approve(request=_pending(document), actor=c)
    services.approval_approve(request=_pending(document), actor=d)
    document.refresh_from_db()
    assert document.status == "ready"


def test_role_approvers_and_project_manager_resolved_to_people(
    make_document, make_workflow, company, member, accountant
):
    from bookkeeping.models import ScoroUser

    pm = member("pm", role="employee", email="pm@example.test")
    ScoroUser.objects.create(company=company, scoro_id=77, full_name="Pat Manager", email="PM@example.test")
    project = ProjectFactory(company=company, manager_scoro_id=77)
    boss = member("boss", role="admin")
    make_workflow([{"project_manager": True}, {"roles": ["admin"]}], min_amount="0")
    document = make_document(project=project)
    _start(document, accountant)
    steps = selectors.approval_summary_for(document=document)
    assert [a["id"] for a in steps[0]["approvers"]] == [pm.pk]
    assert boss.pk in [a["id"] for a in steps[1]["approvers"]]


def test_project_without_manager_falls_back_to_admins(
    make_document, make_workflow, admin_user, accountant, company
):
    make_workflow([{"project_manager": True}], min_amount="0")
    document = make_document(project=ProjectFactory(company=company))
    assert _start(document, accountant) is True
    step = selectors.approval_summary_for(document=document)[0]
    assert [a["id"] for a in step["approvers"]] == [admin_user.pk]


def test_rule_named_approver_is_an_extra_step(make_document, make_workflow, approver, member, accountant):
    named = member("named")
    document = make_document(total="10.00", named_approver=named)
    assert _start(document, accountant) is True  # no workflow matches 10.00, but the rule names someone
    assert [a["id"] for a in selectors.approval_summary_for(document=document)[0]["approvers"]] == [named.pk]


def test_reject_marks_it_rejected_with_the_reason_and_tells_who_recorded_it(
    make_document, make_workflow, approver, accountant, mailoutbox, django_capture_on_commit_callbacks
):
    make_workflow([{"users": [approver]}])
    document = make_document()
    document.recorded_by = accountant
    document.save(update_fields=["recorded_by"])
    _start(document, approver)
    with pytest.raises(ValidationFailed):
        services.approval_reject(request=_pending(document), actor=approver, comment="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.approval_reject(request=_pending(document), actor=approver, comment="Wrong project")
    document.refresh_from_db()
    assert document.status == "rejected"
    event = list(audit_trail_for(target=document))[-1]
    assert (event.verb, event.to_state, event.message) == ("reject", "rejected", "Rejected: Wrong project")
    assert rejection_for(document).reason == "Wrong project"
    told = [m for m in mailoutbox if accountant.email in m.to]
    assert len(told) == 1 and "rejected" in told[0].subject and "Wrong project" in told[0].body
    decision = next(e for e in audit_trail_for(target=document) if e.verb == "approval_rejected")
    assert decision.actor == approver and decision.message == "Rejected step 1 of 1: Wrong project"
    assert decision.data["comment"] == "Wrong project"
    with pytest.raises(InvalidTransition):
        _pending(document)


def test_edit_during_approval_restarts_it(make_document, make_workflow, approver, member, accountant):
    cfo = member("cfo")
    make_workflow([{"users": [approver]}, {"users": [cfo]}])
    document = make_document()
    _start(document, accountant)
    services.approval_approve(request=_pending(document), actor=approver)
    first = _pending(document)

    document.total = Decimal("7000.00")
    document.version += 1
    document.save()
    assert services.approval_restart_if_in_progress(document=document, actor=accountant) is True

    first.refresh_from_db()
    assert first.status == "restarted"
    again = _pending(document)
    assert again.pk != first.pk and again.subject_version == document.version
    # Back at step 1: the earlier approval no longer counts.
    assert selectors.approval_pending_count(user=approver, company=document.company) == 1
    assert "approval_restarted" in [e.verb for e in audit_trail_for(target=document)]


def test_edit_that_removes_the_need_for_approval_makes_it_ready(
    make_document, make_workflow, approver, accountant
):
    make_workflow([{"users": [approver]}])
    document = make_document()
    _start(document, accountant)
    document.total = Decimal("100.00")
    document.save()
    assert services.approval_restart_if_in_progress(document=document, actor=accountant) is True
    document.refresh_from_db()
    assert document.status == "ready"


def test_restart_of_a_document_not_in_approval_does_nothing(make_document, accountant):
    assert services.approval_restart_if_in_progress(document=make_document(), actor=accountant) is False


def test_forwarding_hands_the_step_to_someone_else(
    make_document, make_workflow, approver, member, accountant, mailoutbox, django_capture_on_commit_callbacks
):
    deputy = member("deputy", email="deputy@example.test")
    make_workflow([{"users": [approver]}])
    document = make_document()
    _start(document, accountant)
    with django_capture_on_commit_callbacks(execute=True):
        services.approval_forward(
            request=_pending(document), actor=approver, to_user=deputy, comment="On holiday"
        )
    assert [m.to for m in mailoutbox] == [["deputy@example.test"]]
    with pytest.raises(NotPermitted):
        services.approval_approve(request=_pending(document), actor=approver)
    services.approval_approve(request=_pending(document), actor=deputy)
    document.refresh_from_db()
    assert document.status == "ready"
    forwarded = next(e for e in audit_trail_for(target=document) if e.verb == "approval_forwarded")
    assert forwarded.data["forwarded_to"] == deputy.pk
    assert forwarded.message == f"Forwarded step 1 of 1 to {deputy.get_full_name()}: On holiday"


def test_cannot_forward_outside_the_company(make_document, make_workflow, approver, accountant, other_user):
    make_workflow([{"users": [approver]}])
    document = make_document()
    _start(document, accountant)
    with pytest.raises(ValidationFailed):
        services.approval_forward(request=_pending(document), actor=approver, to_user=other_user)


def test_notifications_sent_to_approvers_and_back_to_the_sender(
    make_document, make_workflow, approver, accountant, mailoutbox, django_capture_on_commit_callbacks
):
    make_workflow([{"users": [approver]}])
    document = make_document()
    with django_capture_on_commit_callbacks(execute=True):
        _start(document, accountant)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [approver.email]
    assert mailoutbox[0].subject.startswith("Approval needed: Purchase invoice Big Supplier OÜ INV-1")
    assert "/approvals/" in mailoutbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        services.approval_reject(request=_pending(document), actor=approver, comment="Not ours")
    assert mailoutbox[-1].to == [accountant.email]
    assert "rejected" in mailoutbox[-1].subject and "Not ours" in mailoutbox[-1].body


def test_reminder_after_the_configured_delay(make_document, make_workflow, approver, accountant, mailoutbox):
    from datetime import timedelta

    from django.utils import timezone

    from approvals.models import ApprovalRequestStep
    from approvals.tasks import send_reminders

    make_workflow([{"users": [approver]}], remind_after_hours=4)
    document = make_document()
    _start(document, accountant)
    step = ApprovalRequestStep.objects.get(status="pending")
    ApprovalRequestStep.objects.filter(pk=step.pk).update(notified_at=timezone.now())
    assert send_reminders() == 0
    ApprovalRequestStep.objects.filter(pk=step.pk).update(activated_at=timezone.now() - timedelta(hours=5))
    assert send_reminders() == 1
    assert mailoutbox[-1].subject.startswith("Reminder: Approval needed")
    assert send_reminders() == 0  # not again until another delay has passed


def test_comment_text_for_scoro(make_document, make_workflow, member, accountant, settings):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from approvals.models import ApprovalDecision

    mari = member("mari", first_name="Mari", last_name="Tamm")
    jaan = member("jaan", first_name="Jaan", last_name="Kask")
    make_workflow([{"users": [mari]}, {"users": [jaan]}])
    document = make_document()
    assert selectors.approval_comment_for(document=document) == "Imported from Envoice."
    _start(document, accountant)
    services.approval_approve(request=_pending(document), actor=mari)
    services.approval_approve(request=_pending(document), actor=jaan)
    tallinn = ZoneInfo(settings.TIME_ZONE)
    ApprovalDecision.objects.filter(user=mari).update(decided_at=datetime(2026, 3, 4, 14, 20, tzinfo=tallinn))
    ApprovalDecision.objects.filter(user=jaan).update(decided_at=datetime(2026, 3, 5, 9, 2, tzinfo=tallinn))
    assert selectors.approval_comment_for(document=document) == (
        "Imported from Envoice. Approved by Mari Tamm on 2026-03-04 14:20; Jaan Kask on 2026-03-05 09:02."
    )


def test_expense_report_goes_to_the_employees_manager_and_is_confirmed_as_a_whole(
    company, employee, approver, accountant
):
    from accounts.models import Membership
    from documents.models import ExpenseReport

    Membership.objects.filter(user=employee, company=company).update(manager=approver)
    report = ExpenseReport.objects.create(
        company=company, title="Tallinn trip", employee=employee, status="submitted"
    )
    taxi = make_document(company, type="receipt", status="extracting", expense_report=report)
    assert services.approval_start_for_expense_report(report=report, actor=employee) is True
    report.refresh_from_db()
    assert report.status == "in_approval"
    with pytest.raises(NotPermitted):
        services.approval_approve(
            request=services.approval_request_for_decision(report=report), actor=accountant
        )
    # Not before each receipt is read and coded: the approver is told which and why.
    with pytest.raises(ValidationFailed, match=r"1 receipt is not read and coded yet: .*\(not read yet\)"):
        services.approval_approve(
            request=services.approval_request_for_decision(report=report), actor=approver
        )
    taxi.status = "to_review"
    taxi.finance_account = FinanceAccountFactory(company=company)
    taxi.project = ProjectFactory(company=company)
    taxi.save()
    services.approval_approve(request=services.approval_request_for_decision(report=report), actor=approver)
    report.refresh_from_db()
    assert report.status == "confirmed" and report.confirmed_at is not None
    assert [e.verb for e in audit_trail_for(target=report)] == [
        "send_to_approval",
        "approval_approved",
        "confirm",
    ]


def test_expense_report_without_manager_or_workflow_needs_no_approval(company, employee):
    from documents.models import ExpenseReport

    report = ExpenseReport.objects.create(
        company=company, title="Lunch", employee=employee, status="submitted"
    )
    assert services.approval_start_for_expense_report(report=report, actor=employee) is False


def test_expense_report_workflow_names_the_approver(company, employee, member, make_workflow):
    from documents.models import ExpenseReport

    named = member("named")
    make_workflow([{"users": [named]}], document_types=["expense_report"], min_amount="0")
    report = ExpenseReport.objects.create(
        company=company, title="Trip", employee=employee, status="submitted"
    )
    assert services.approval_start_for_expense_report(report=report, actor=employee) is True
    # Before anyone decides, the employee may withdraw it (back to draft, approval cancelled).
    with pytest.raises(NotPermitted):
        services.expense_report_withdraw(report=report, actor=named)
    assert services.expense_report_withdraw(report=report, actor=employee).status == "draft"
    assert selectors.approval_request_pending(report=report) is None
    assert services.approval_start_for_expense_report(report=report, actor=employee) is True
    services.approval_reject(
        request=services.approval_request_for_decision(report=report), actor=named, comment="Receipts missing"
    )
    report.refresh_from_db()
    assert report.status == "rejected"
    with pytest.raises(InvalidTransition):
        services.expense_report_withdraw(report=report, actor=employee)


def test_document_reopened_during_approval_waits_for_nobody(
    make_document, make_workflow, approver, accountant
):
    from documents.state import transition

    make_workflow([{"users": [approver]}])
    document = make_document()
    _start(document, accountant)
    stale = _pending(document)
    transition(document, "reopen", actor=accountant)
    assert selectors.approval_pending_count(user=approver, company=document.company) == 0
    with pytest.raises(InvalidTransition):
        services.approval_approve(request=stale, actor=approver)
    # Recorded again: a fresh run replaces the stale one.
    assert _start(document, accountant) is True
    stale.refresh_from_db()
    assert stale.status == "cancelled" and _pending(document).pk != stale.pk
