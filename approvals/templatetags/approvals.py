from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse

from approvals import selectors
from approvals.choices import StepStatus
from approvals.forms import TYPE_CHOICES, ForwardForm
from audit.selectors import audit_trail_for
from documents.choices import DocumentStatus, ExpenseReportStatus
from documents.expense_report_checks import expense_report_totals, receipt_checks

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
    return _first_url(("documents:original_inline", "documents:file"), document.pk)


@register.filter
def expense_report_url(report) -> str:
    return _first_url(("documents:report",), report.pk)


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
    forward_form = (
        ForwardForm(company=approval.company, exclude=[u.pk for u in current.approvers.all()])
        if can_decide
        else None
    )
    return {
        "approval": approval,
        "steps": steps,
        "current": current,
        "can_decide": can_decide,
        "forward_form": forward_form,
    }


@register.simple_tag
def approval_history(subject):
    return list(audit_trail_for(target=subject).order_by("-created_at", "-id")[:30])


@register.filter
def state_label(value: str) -> str:

    for choices in (DocumentStatus, ExpenseReportStatus):
        if value in choices.values:
            return choices(value).label
    return value


@register.filter
def step_note(step) -> str:
    """The step's label when it says more than the list of approvers (roles, fallbacks, rules)."""
    names = ", ".join(u.get_full_name() or u.get_username() for u in step.approvers.all())
    return "" if step.label == names else step.label


@register.filter
def workflow_types(workflow) -> str:
    labels = dict(TYPE_CHOICES)
    if not workflow.document_types:
        return "All documents"
    return ", ".join(str(labels.get(t, t)) for t in workflow.document_types)


@register.filter
def report_total(report) -> str:
    """The sum of a report's receipts, per currency: "23.40 EUR" or "23.40 EUR + 10.00 USD"; receipts
    without a currency are not summed as the company's ("+ 1 receipt without currency")."""
    totals = expense_report_totals(report)
    parts = [f"{totals['total']:.2f} {totals['currency']}"] if totals["total"] else []
    parts += [f"{amount:.2f} {currency}" for currency, amount in totals["other_currencies"].items()]
    if totals["without_currency"]:
        n = totals["without_currency"]
        parts.append(f"{n} receipt{'s' if n != 1 else ''} without currency")
    return " + ".join(parts)


@register.filter
def report_receipt_checks(report) -> list:
    """Each receipt with what still holds the report up (not read, not coded) and what to look at."""
    return receipt_checks(report)
