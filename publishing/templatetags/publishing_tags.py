from datetime import datetime

from django import template
from django.utils import timezone

from accounts.roles import role_can
from publishing import selectors, services

register = template.Library()


def _role(context) -> str | None:
    membership = getattr(context.get("request"), "membership", None)
    return membership.role if membership else None


def _retry_time(summary: dict) -> datetime | None:
    return (
        timezone.localtime(datetime.fromisoformat(summary["retry_at"])) if summary.get("retry_at") else None
    )


def _poll_seconds(summary: dict) -> int | None:
    if summary["status"] in ("queued", "publishing"):
        return 2
    return 30 if summary.get("retry_at") else None


@register.simple_tag(takes_context=True)
def publishing_panel_for(context, document) -> dict:
    """What the publishing panel shows for `document`: status, Scoro link, error, and which buttons."""
    role = _role(context)
    summary = selectors.publishing_summary_for(document=document)
    connection = services.connection_for(document.company)
    blocker = services.manual_blocker(document=document, connection=connection)
    return {
        **summary,
        "retry_time": _retry_time(summary),
        "can_publish": role_can(role, "documents.publish")
        and blocker is None
        and summary["status"] not in ("queued", "publishing"),
        "blocker": blocker,
        "can_preview": role_can(role, "integrations.manage") and document.type != "sales_invoice",
        "polling": _poll_seconds(summary),
    }


@register.simple_tag(takes_context=True)
def report_publishing_panel_for(context, report) -> dict:
    """The same for an expense report (published as one Scoro expense)."""
    summary = selectors.publishing_summary_for_report(report=report)
    blocker = services.report_manual_blocker(
        report=report, connection=services.connection_for(report.company)
    )
    return {
        **summary,
        "retry_time": _retry_time(summary),
        "can_publish": role_can(_role(context), "documents.publish")
        and blocker is None
        and summary["status"] not in ("queued", "publishing", "published"),
        "blocker": blocker,
        "polling": _poll_seconds(summary),
    }
