"""Approve or reject from the e-mail: the signed links, their pages, and what a decision through one does."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core import signing
from django.test import Client

from accounts.models import Membership
from approvals import links, services
from approvals.models import ApprovalDecision, ApprovalLinkUse, ApprovalRequest
from audit.selectors import audit_trail_for
from documents.selectors import rejection_for
from tests.factories import FinanceAccountFactory, ProjectFactory, make_document

pytestmark = pytest.mark.django_db
LINK = re.compile(r"https?://\S+/approvals/email/(?P<token>[^/\s]+)/(?P<action>approve|reject)/")


@pytest.fixture
def in_approval(make_document, make_workflow, approver, accountant, django_capture_on_commit_callbacks):
    """in_approval(steps=None, **document) → a document in approval (default: `approver` alone decides)."""

    def make(steps=None, **columns):
        make_workflow(steps or [{"users": [approver]}], min_amount="0")
        document = make_document(**columns)
        with django_capture_on_commit_callbacks(execute=True):
            assert services.approval_start_if_required(document=document, actor=accountant)
        document.refresh_from_db()
        return document

    return make


def _links_in(message) -> dict[str, str]:
    found = {m.group("action"): m.group(0) for m in LINK.finditer(message.body)}
    assert set(found) == {"approve", "reject"}, message.body
    return found


def _path(url: str) -> str:
    return url[url.index("/approvals/") :]


def _step(document):
    return ApprovalRequest.objects.get(document=document, status="pending").steps.get(status="pending")


def _token(document, user) -> str:
    return links.approval_link_token(step=_step(document), user=user)


def _url(token: str, action: str = "approve") -> str:
    return f"/approvals/email/{token}/{action}/"


@pytest.fixture
def no_publishing(monkeypatch):
    """Records which documents became ready (the lifecycle's publish hook) instead of publishing them."""
    ready = []
    monkeypatch.setattr(
        "publishing.services.publish_if_automatic", lambda *, document: ready.append(document.pk) or False
    )
    return ready


# ---------------------------------------------------------------------------------------------- the e-mails


def test_each_approver_gets_an_own_mail_with_own_links(in_approval, approver, member, mailoutbox):
    second = member("second", email="second@example.test")
    document = in_approval([{"users": [approver, second], "rule": "all"}])
    requests = [m for m in mailoutbox if m.subject.startswith("Approval needed")]
    assert sorted(m.to[0] for m in requests) == ["approver@example.test", "second@example.test"]
    assert all(len(m.to) == 1 for m in requests)
    step = _step(document)
    for message in requests:
        found = _links_in(message)
        token = LINK.search(found["approve"]).group("token")
        assert token == LINK.search(found["reject"]).group("token")  # one link pair per mail
        payload = signing.loads(token, salt=links.SALT)
        assert payload["s"] == step.pk
        assert payload["u"] == (second if message.to == ["second@example.test"] else approver).pk
        assert "works once, only for you, until" in message.body
        assert "/approvals/" in message.body  # the queue, to look first or forward


def test_the_reminder_carries_fresh_links(in_approval, mailoutbox):
    from approvals.tasks import _remind

    document = in_approval()
    first = _links_in(mailoutbox[-1])["approve"]
    assert _remind(_step(document).pk, timedelta(0)) == 1
    assert mailoutbox[-1].subject.startswith("Reminder: Approval needed")
    assert _links_in(mailoutbox[-1])["approve"] != first


# ---------------------------------------------------------------------------------------------- reading


def test_opening_a_link_shows_the_page_and_decides_nothing(in_approval, client, mailoutbox):
    document = in_approval(supplier_name="Kontorikaubad AS", invoice_number="KA-17", total="7000.00")
    for url in _links_in(mailoutbox[-1]).values():
        response = client.get(_path(url))
        assert response.status_code == 200
        body = response.content.decode()
        assert "Kontorikaubad AS" in body and "KA-17" in body and "7000.00" in body
        assert 'method="post"' in body and "csrfmiddlewaretoken" in body
        assert response["Cache-Control"] == "no-store"
        assert response["Referrer-Policy"] == "same-origin"
        client.head(_path(url))
    document.refresh_from_db()
    assert document.status == "in_approval"
    assert not ApprovalDecision.objects.exists() and not ApprovalLinkUse.objects.exists()


def test_forged_or_tampered_links_get_one_generic_answer(in_approval, approver, settings):
    document = in_approval()
    good = _token(document, approver)
    payload = signing.loads(good, salt=links.SALT)
    forged = [
        "not-a-token",
        good[:-2] + ("AA" if not good.endswith("AA") else "BB"),  # signature broken
        signing.dumps({**payload, "s": payload["s"] + 1}, salt="another.salt"),  # another salt
        signing.dumps({**payload, "u": payload["u"]}, key="not-our-secret-key", salt=links.SALT),
        signing.dumps({**payload, "s": 999_999}, salt=links.SALT),  # a step that does not exist
        signing.dumps(["s", payload["s"]], salt=links.SALT),  # not our shape
    ]
    bodies = set()
    for token in forged:
        for verb in ("get", "post"):
            response = getattr(Client(), verb)(_url(token), {"comment": ""})
            assert response.status_code == 404, token
            card = re.search(r'data-testid="link-refused">(.*?)</div>', response.content.decode(), re.S)
            bodies.add(card.group(1))
    assert len(bodies) == 1, bodies  # the same words whatever was wrong
    assert "This link is not valid." in bodies.pop()
    assert not ApprovalDecision.objects.exists()


def test_an_expired_link_says_so_and_points_to_the_document(in_approval, approver, monkeypatch, settings):
    settings.ENVOICE_APPROVAL_LINK_MAX_AGE = 72 * 3600
    document = in_approval()
    token = _token(document, approver)
    later = time.time() + 72 * 3600 + 5
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: later))
    for verb in ("get", "post"):
        response = getattr(Client(), verb)(_url(token))
        assert response.status_code == 410
        body = response.content.decode()
        assert "This link has expired — open the document in Envoice." in body
        assert f'href="/documents/{document.pk}/"' in body
    document.refresh_from_db()
    assert document.status == "in_approval"
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: later - 10))  # inside the window
    assert Client().get(_url(token)).status_code == 200


# ---------------------------------------------------------------------------------------------- deciding


def test_approve_by_post_goes_the_in_app_way_and_is_audited(in_approval, approver, no_publishing, mailoutbox):
    document = in_approval()
    approve = _path(_links_in(mailoutbox[-1])["approve"])
    response = Client().post(approve, {"comment": "Budgeted in Q1."})
    assert response.status_code == 302 and response["Location"].endswith("/done/")
    done = Client().get(response["Location"])
    assert done.status_code == 200 and "You approved" in done.content.decode()

    document.refresh_from_db()
    assert document.status == "ready"
    assert no_publishing == [document.pk]  # the lifecycle answered as for an approval in the app
    decision = ApprovalDecision.objects.get()
    assert (decision.user, decision.decision, decision.comment) == (approver, "approved", "Budgeted in Q1.")
    trail = [(e.verb, e.actor, e.message) for e in audit_trail_for(target=document)]
    assert ("approval_approved", approver, "Approved step 1 of 1: Budgeted in Q1.") in trail
    assert ("approval_email_link", approver, "Approved from the link in the approval e-mail.") in trail
    assert trail[-1][0] == "approval_email_link"
    email_event = list(audit_trail_for(target=document))[-1]
    assert email_event.verb_label == "Decided from an e-mail link"
    assert ApprovalLinkUse.objects.get().decision == "approved"


def test_a_used_link_says_it_was_used(in_approval, approver, no_publishing, mailoutbox):
    document = in_approval()
    found = _links_in(mailoutbox[-1])
    assert Client().post(_path(found["approve"])).status_code == 302
    for url in found.values():  # the reject link of the same mail is spent too
        for verb in ("get", "post"):
            response = getattr(Client(), verb)(_path(url), {"reason": "again"})
            assert response.status_code == 410
            assert "This link was already used." in response.content.decode()
    assert ApprovalDecision.objects.count() == 1
    document.refresh_from_db()
    assert document.status == "ready"


def test_reject_needs_a_reason_and_sends_it_back_to_review(in_approval, approver, accountant, mailoutbox):
    document = in_approval()
    reject = _path(_links_in(mailoutbox[-1])["reject"])
    page = Client().get(reject)
    assert page.status_code == 200 and 'name="reason"' in page.content.decode()

    response = Client().post(reject, {"reason": "   "})
    assert response.status_code == 200  # the page again, with its error (a 4xx would log the live link)
    assert "Give a reason for the rejection." in response.content.decode()
    assert not ApprovalLinkUse.objects.exists()  # a refused post spends nothing
    document.refresh_from_db()
    assert document.status == "in_approval"

    response = Client().post(reject, {"reason": "Wrong project"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == "rejected"
    assert rejection_for(document=document).reason == "Wrong project"
    verbs = [e.verb for e in audit_trail_for(target=document)]
    assert verbs[-3:] == ["approval_rejected", "reject", "approval_email_link"]
    assert "Rejected from the link" in list(audit_trail_for(target=document))[-1].message


def test_the_link_acts_as_its_approver_whoever_is_logged_in(in_approval, approver, admin_user, no_publishing):
    document = in_approval()
    token = _token(document, approver)
    browser = Client()
    browser.force_login(admin_user)  # someone else's session in the same browser
    assert browser.post(_url(token)).status_code == 302
    assert ApprovalDecision.objects.get().user == approver


def test_a_link_for_someone_who_is_not_an_approver_of_the_step_is_refused(in_approval, approver, member):
    document = in_approval()
    bystander = member("bystander")
    response = Client().post(_url(_token(document, bystander)))
    assert response.status_code == 403
    assert "You are no longer an approver of this step" in response.content.decode()
    assert not ApprovalDecision.objects.exists()


def test_after_a_forward_the_old_link_is_refused(in_approval, approver, member):
    document = in_approval()
    token = _token(document, approver)
    deputy = member("deputy")
    request = services.approval_request_for_decision(document=document)
    services.approval_forward(request=request, actor=approver, to_user=deputy)
    response = Client().get(_url(token))
    assert "You are no longer an approver of this step (it was forwarded" in response.content.decode()


def test_a_removed_member_or_deactivated_user_cannot_use_their_link(in_approval, approver, company):
    document = in_approval()
    token = _token(document, approver)
    approver.is_active = False
    approver.save(update_fields=["is_active"])
    assert "no longer a member of Demo OÜ" in Client().get(_url(token)).content.decode()
    approver.is_active = True
    approver.save(update_fields=["is_active"])
    Membership.objects.filter(user=approver, company=company).delete()
    response = Client().post(_url(token))
    assert response.status_code == 403 and "no longer a member of Demo OÜ" in response.content.decode()
    assert not ApprovalDecision.objects.exists()


def test_a_link_never_acts_in_a_company_its_user_is_not_a_member_of(in_approval, other_user):
    """Tenancy: even named on a step (here by hand), a member of another company is refused."""
    document = in_approval()
    _step(document).approvers.add(other_user)
    response = Client().post(_url(_token(document, other_user)))
    assert response.status_code == 403
    assert "no longer a member of Demo OÜ" in response.content.decode()
    assert not ApprovalDecision.objects.exists()
    document.refresh_from_db()
    assert document.status == "in_approval"


def test_a_decided_step_refuses_the_other_approvers_link(in_approval, approver, member, no_publishing):
    colleague = member("colleague")
    document = in_approval([{"users": [approver, colleague]}, {"users": [approver]}])
    colleagues_link = _token(document, colleague)
    own_link = _token(document, approver)
    services.approval_approve(
        request=services.approval_request_for_decision(document=document), actor=approver
    )
    response = Client().get(_url(colleagues_link))
    assert response.status_code == 409
    assert "Step 1 was already approved." in response.content.decode()
    # The approver's own older link for step 1 says they decided it.
    assert "You already approved this on" in Client().get(_url(own_link)).content.decode()


def test_a_finished_or_restarted_approval_refuses_its_links(in_approval, approver, accountant):
    document = in_approval()
    token = _token(document, approver)
    services.approval_reject(
        request=services.approval_request_for_decision(document=document), actor=approver, comment="No"
    )
    assert "This was already rejected." in Client().get(_url(token)).content.decode()


def test_a_restart_after_an_edit_voids_the_links(in_approval, approver, accountant):
    document = in_approval()
    token = _token(document, approver)
    services.approval_restart_if_in_progress(document=document, actor=accountant)
    body = Client().get(_url(token)).content.decode()
    assert "started again after an edit" in body
    assert f'href="/documents/{document.pk}/"' in body


def test_the_post_is_csrf_protected(in_approval, approver, no_publishing):
    document = in_approval()
    url = _url(_token(document, approver))
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(url).status_code == 403
    assert not ApprovalDecision.objects.exists()
    browser.get(url)
    csrf = browser.cookies["csrftoken"].value
    assert browser.post(url, {"csrfmiddlewaretoken": csrf}).status_code == 302
    assert ApprovalDecision.objects.count() == 1


def test_the_done_page_shows_only_a_used_links_own_outcome(in_approval, approver):
    document = in_approval()
    token = _token(document, approver)
    assert Client().get(f"/approvals/email/{token}/done/").status_code == 404  # not used yet
    assert Client().get("/approvals/email/forged/done/").status_code == 404


def test_an_expense_report_link_refuses_until_receipts_are_coded_then_works(
    company, employee, approver, no_publishing
):
    """A refused decision (receipts not read and coded yet) shows why and spends nothing."""
    from documents.models import ExpenseReport

    Membership.objects.filter(user=employee, company=company).update(manager=approver)
    report = ExpenseReport.objects.create(
        company=company, title="Tallinn trip", employee=employee, status="submitted"
    )
    taxi = make_document(company, type="receipt", status="extracting", expense_report=report)
    assert services.approval_start_for_expense_report(report=report, actor=employee)
    step = ApprovalRequest.objects.get(expense_report=report).steps.get()
    url = _url(links.approval_link_token(step=step, user=approver))
    page = Client().get(url)
    assert page.status_code == 200 and "Expense report: Tallinn trip" in page.content.decode()

    response = Client().post(url)
    assert response.status_code == 200
    assert "Not yet: 1 receipt is not read and coded yet" in response.content.decode()
    assert not ApprovalLinkUse.objects.exists()

    taxi.status = "to_review"
    taxi.finance_account = FinanceAccountFactory(company=company)
    taxi.project = ProjectFactory(company=company)
    taxi.save()
    assert Client().post(url).status_code == 302
    report.refresh_from_db()
    assert report.status == "confirmed"
    assert [e.verb for e in audit_trail_for(target=report)][-1] == "approval_email_link"
    used = Client().get(url).content.decode()
    assert "This link was already used." in used
    assert f'href="/documents/reports/{report.pk}/"' in used and "Open the expense report in Envoice" in used
