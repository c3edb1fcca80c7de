"""Approval e-mails, sent through Django's mail backend (console in the demo).

A request for a decision goes to each approver on their own: it carries their approve / reject links
(approvals/links.py), which work only for them.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection, send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from approvals.choices import Decision
from approvals.links import approval_link_urls, approval_link_valid_until
from approvals.models import ApprovalDecision, ApprovalRequest, ApprovalRequestStep
from approvals.selectors import display_name

log = logging.getLogger(__name__)


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def subject_title(request: ApprovalRequest) -> str:
    if request.document_id:
        doc = request.document
        parts = [doc.supplier.name if doc.supplier_id else doc.supplier_name, doc.invoice_number]
        label = " ".join(p for p in parts if p) or doc.filename
        amount = f" ({doc.total} {doc.currency or request.company.currency})" if doc.total is not None else ""
        return f"{doc.get_type_display()} {label}{amount}"
    return (
        f"Expense report “{request.expense_report.title}” by {display_name(request.expense_report.employee)}"
    )


def _send(*, to: list, subject: str, template: str, context: dict) -> int:
    recipients = [u.email for u in to if u.email]
    if not recipients:
        return 0
    body = render_to_string(template, {**context, "queue_url": _absolute(reverse("approvals:queue"))})
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    return len(recipients)


def _send_each(messages: list[tuple[str, str, str]]) -> int:
    """Send (to, subject, body) messages over one connection; returns how many went."""
    if not messages:
        return 0
    with get_connection() as connection:
        return connection.send_messages(
            [EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to]) for to, subject, body in messages]
        )


def send_step_request(*, step: ApprovalRequestStep, users: list, reminder: bool = False) -> int:
    """One e-mail per approver, each with that approver's own approve / reject links."""
    request = step.request
    title = subject_title(request)
    subject = f"{'Reminder: ' if reminder else ''}Approval needed: {title}"
    context = {
        "request": request,
        "step": step,
        "title": title,
        "reminder": reminder,
        "queue_url": _absolute(reverse("approvals:queue")),
        "valid_until": approval_link_valid_until(),
    }
    messages = [
        (
            user.email,
            subject,
            render_to_string(
                "approvals/email/request.txt",
                {**context, "links": approval_link_urls(step=step, user=user)},
            ),
        )
        for user in users
        if user.email
    ]
    return _send_each(messages)


def send_digest(*, user, waiting: list[tuple], day) -> int:
    """The daily digest: `waiting` is [(company, [step, …]), …], each step with `user`'s own links."""
    count = sum(len(steps) for _, steps in waiting)
    companies = [
        {
            "company": company,
            "items": [
                {
                    "step": step,
                    "title": subject_title(step.request),
                    "links": approval_link_urls(step=step, user=user),
                }
                for step in steps
            ],
        }
        for company, steps in waiting
    ]
    body = render_to_string(
        "approvals/email/digest.txt",
        {
            "user": user,
            "day": day,
            "count": count,
            "companies": companies,
            "queue_url": _absolute(reverse("approvals:queue")),
            "valid_until": approval_link_valid_until(),
        },
    )
    subject = f"{count} approval{'s' if count != 1 else ''} waiting for you"
    return _send_each([(user.email, subject, body)]) if user.email else 0


def send_outcome(*, request: ApprovalRequest, users: list) -> int:
    title = subject_title(request)
    last = (
        ApprovalDecision.objects.filter(step__request=request)
        .exclude(decision=Decision.FORWARDED)
        .select_related("user")
        .order_by("-decided_at", "-id")
        .first()
    )
    verb = "approved" if request.status == "approved" else "rejected"
    return _send(
        to=users,
        subject=f"{title.split(' (')[0]} was {verb}",
        template="approvals/email/outcome.txt",
        context={"request": request, "title": title, "verb": verb, "last": last},
    )
