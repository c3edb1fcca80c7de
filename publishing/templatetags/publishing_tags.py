from django import template

from accounts.roles import role_can
from publishing import selectors, services

register = template.Library()


@register.simple_tag(takes_context=True)
def publishing_panel_for(context, document) -> dict:
    """What the publishing panel shows for `document`: status, Scoro link, error, and which buttons."""
    request = context.get("request")
    membership = getattr(request, "membership", None)
    role = membership.role if membership else None
    summary = selectors.publishing_summary_for(document=document)
    connection = services.connection_for(document.company)
    blocker = services.manual_blocker(document=document, connection=connection)
    return {
        **summary,
        "can_publish": role_can(role, "documents.publish")
        and blocker is None
        and summary["status"] not in ("queued", "publishing"),
        "blocker": blocker,
        "can_preview": role_can(role, "integrations.manage") and document.type != "sales_invoice",
        "polling": summary["status"] in ("queued", "publishing"),
    }
