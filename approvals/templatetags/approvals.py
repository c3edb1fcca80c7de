from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse

from approvals import selectors
from approvals.choices import StepStatus
from audit.selectors import audit_trail_for

register = template.Library()


def _first_url(names: tuple[str, ...], pk: int) -> str:
    for name in names:
        try:
            return reverse(name, args=[pk])
        except NoReverseMatch:
            continue
    return ""


@register.filter
def document_review_url(document) -> str:
    """The document's review page, when the documents app provides one."""
    return _first_url(("documents:review", "documents:detail"), document.pk)


@register.filter
def document_file_url(document) -> str:
    return _first_url(("documents:file",), document.pk)


@register.simple_tag(takes_context=True)
def approval_panel_for(context, document) -> dict:
    """What the review page's approval panel shows: steps, decisions, and whether the viewer decides."""
    request = context.get("request")
    user = getattr(request, "user", None)
    approval = selectors.approval_request_latest(document=document)
    if approval is None:
        return {"approval": None}
    steps = list(approval.steps.all())
    current = (
        next((s for s in steps if s.status == StepStatus.PENDING), None) if approval.is_pending else None
    )
    can_decide = bool(user and current and selectors.user_can_decide(request=approval, user=user))
    return {"approval": approval, "steps": steps, "current": current, "can_decide": can_decide}


@register.simple_tag
def approval_history(subject):
    return list(audit_trail_for(target=subject).order_by("-created_at", "-id")[:30])
