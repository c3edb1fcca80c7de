"""Approve or reject from the e-mail: signed, expiring, single-use links bound to one approver and one step.

A link carries {step, user, nonce}, signed with the secret key under its own salt and time-stamped
(django.core.signing); it works for settings.ENVOICE_APPROVAL_LINK_MAX_AGE seconds. The signature is
the credential, so the page it opens needs no log-in, and it acts only as that user on that step.

- Opening a link (GET) changes nothing: mail scanners fetch links. The decision is a POST from its page.
- A decision through a link stores the link's nonce (ApprovalLinkUse, unique) in the transaction of the
  decision, so a link decides once; a refused decision (e.g. receipts still waiting) leaves it usable.
- Every check of who may decide is made again when the link is read: the step must still be open, the
  user still a member of the company and an approver of the step who has not decided.
- The decision goes through approvals.services exactly as one made in the app, so what follows (the
  next step, ready and publishing, the e-mails) is the same; an audit row says it came from a link.
- A link that does not verify is refused with one generic answer: nothing about why.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from approvals import selectors, services
from approvals.choices import Decision, RequestStatus, StepStatus
from approvals.models import ApprovalLinkUse, ApprovalRequest, ApprovalRequestStep
from audit.services import audit_record
from core.errors import ApplicationError

log = logging.getLogger(__name__)
User = get_user_model()
SALT = "envoice.approvals.email-link"


class LinkRefused(ApplicationError):
    """A link that cannot decide. `subject` (when known) is what it was about, to link to in the app."""

    status_code = 409

    def __init__(self, message: str, *, subject=None):
        super().__init__(message)
        self.subject = subject


class LinkNotYours(LinkRefused):
    """Its approver is no longer a member of the company, or no longer an approver of the step."""

    status_code = 403


class LinkInvalid(LinkRefused):
    status_code = 404

    def __init__(self):
        super().__init__("This link is not valid. Open Envoice to see what waits for you.")


class LinkExpired(LinkRefused):
    status_code = 410


class LinkUsed(LinkRefused):
    status_code = 410


@dataclass(frozen=True)
class ApprovalLink:
    """A verified link: the step and the approver it acts as, and its nonce."""

    step: ApprovalRequestStep
    user: User
    nonce: str

    @property
    def request(self) -> ApprovalRequest:
        return self.step.request

    @property
    def subject(self):
        return self.step.request.subject


# ---------------------------------------------------------------------------
# Making links (for the e-mails)
# ---------------------------------------------------------------------------


def approval_link_token(*, step: ApprovalRequestStep, user) -> str:
    """A fresh token for `user` deciding on `step`; the approve and reject links of one e-mail share it."""
    return signing.dumps({"s": step.pk, "u": user.pk, "n": secrets.token_urlsafe(12)}, salt=SALT)


def approval_link_urls(*, step: ApprovalRequestStep, user) -> dict[str, str]:
    """{"approve": url, "reject": url}: absolute links for one approver's e-mail."""
    token = approval_link_token(step=step, user=user)
    site = settings.SITE_URL.rstrip("/")
    return {
        "approve": f"{site}{reverse('approvals:link_approve', args=[token])}",
        "reject": f"{site}{reverse('approvals:link_reject', args=[token])}",
    }


def approval_link_valid_until(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + timedelta(seconds=settings.ENVOICE_APPROVAL_LINK_MAX_AGE)


# ---------------------------------------------------------------------------
# Reading a link (no writes)
# ---------------------------------------------------------------------------


def _payload(token: str) -> dict:
    """The signed payload; LinkInvalid when it does not verify, LinkExpired (with its subject) when old."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=settings.ENVOICE_APPROVAL_LINK_MAX_AGE)
    except signing.SignatureExpired:
        payload = _well_formed(signing.loads(token, salt=SALT))  # genuine, only old
        step = ApprovalRequestStep.objects.select_related("request").filter(pk=payload["s"]).first()
        raise LinkExpired(
            "This link has expired — open the document in Envoice.",
            subject=step.request.subject if step else None,
        ) from None
    except signing.BadSignature:
        raise LinkInvalid() from None
    return _well_formed(payload)


def _well_formed(payload) -> dict:
    if (
        not isinstance(payload, dict)
        or not isinstance(payload.get("s"), int)
        or not isinstance(payload.get("u"), int)
        or not isinstance(payload.get("n"), str)
        or not payload["n"]
    ):
        raise LinkInvalid()
    return payload


def approval_link_read(token: str) -> ApprovalLink:
    """Verify `token` and check that its approver may still decide on its step; LinkRefused otherwise."""
    payload = _payload(token)
    step = (
        ApprovalRequestStep.objects.select_related(
            "request__company", "request__document", "request__expense_report"
        )
        .filter(pk=payload["s"])
        .first()
    )
    user = User.objects.filter(pk=payload["u"]).first()
    if step is None or user is None:
        raise LinkInvalid()
    link = ApprovalLink(step=step, user=user, nonce=payload["n"])
    if ApprovalLinkUse.objects.filter(nonce=link.nonce).exists():
        raise LinkUsed("This link was already used.", subject=link.subject)
    _check_may_decide(link)
    return link


def approval_link_use(token: str) -> ApprovalLinkUse:
    """What a used link decided (the page after its POST); LinkInvalid for any other token."""
    try:
        payload = _well_formed(signing.loads(token, salt=SALT))
    except signing.BadSignature:
        raise LinkInvalid() from None
    use = (
        ApprovalLinkUse.objects.select_related(
            "user", "step__request__company", "step__request__document", "step__request__expense_report"
        )
        .filter(nonce=payload["n"], step_id=payload["s"], user_id=payload["u"])
        .first()
    )
    if use is None:
        raise LinkInvalid()
    return use


REQUEST_OVER = {
    RequestStatus.APPROVED: "This was already approved.",
    RequestStatus.REJECTED: "This was already rejected.",
    RequestStatus.RESTARTED: "This approval started again after an edit; a new e-mail was sent for it.",
    RequestStatus.CANCELLED: "This approval was cancelled.",
}


def _check_may_decide(link: ApprovalLink) -> None:
    step, user, request = link.step, link.user, link.request
    subject = link.subject
    if not user.is_active or not selectors.is_member(user=user, company=request.company):
        raise LinkNotYours(
            f"{selectors.display_name(user)} is no longer a member of {request.company.name}; "
            "this link no longer works.",
            subject=subject,
        )
    if not request.is_pending:
        raise LinkRefused(REQUEST_OVER.get(request.status, "This approval is over."), subject=subject)
    if not selectors.subject_in_approval(request=request):
        raise LinkRefused("This is no longer waiting for approval.", subject=subject)
    mine = step.decisions.filter(user=user).exclude(decision=Decision.FORWARDED).first()
    if mine is not None:
        raise LinkRefused(
            f"You already {mine.get_decision_display().lower()} this "
            f"on {timezone.localtime(mine.decided_at):%Y-%m-%d %H:%M}.",
            subject=subject,
        )
    if step.status != StepStatus.PENDING:
        raise LinkRefused(
            f"Step {step.position + 1} was already {step.get_status_display().lower()}.", subject=subject
        )
    if not step.approvers.filter(pk=user.pk).exists():
        raise LinkNotYours(
            "You are no longer an approver of this step (it was forwarded or reassigned).", subject=subject
        )


# ---------------------------------------------------------------------------
# Deciding through a link (the one write)
# ---------------------------------------------------------------------------

DONE_WORDS = {Decision.APPROVED: "Approved", Decision.REJECTED: "Rejected"}


def approval_link_decide(*, link: ApprovalLink, decision: str, comment: str = "") -> ApprovalRequest:
    """Decide as the link's approver: approve (comment optional) or reject (a reason required).

    The link is spent in the same transaction as the decision; a refused decision spends nothing.
    """
    if decision not in DONE_WORDS:
        raise ValueError(f"A link approves or rejects, not {decision!r}")
    with transaction.atomic():
        try:
            with transaction.atomic():
                ApprovalLinkUse.objects.create(
                    nonce=link.nonce, step=link.step, user=link.user, decision=decision
                )
        except IntegrityError:
            raise LinkUsed("This link was already used.", subject=link.subject) from None
        if decision == Decision.APPROVED:
            request = services.approval_approve(request=link.request, actor=link.user, comment=comment)
        else:
            request = services.approval_reject(request=link.request, actor=link.user, comment=comment)
        audit_record(
            target=link.subject,
            verb="approval_email_link",
            actor=link.user,
            message=f"{DONE_WORDS[decision]} from the link in the approval e-mail.",
            data={"request": request.pk, "step": link.step.position + 1, "decision": decision},
        )
    log.info("approvals: %s step %s by e-mail link of user %s", decision, link.step.pk, link.user.pk)
    return request
