"""Reads for inbound mail: the company's inbound settings and sender defaults, projects by number,
and what a reply needs to know. Every query is scoped to one company."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from accounts.models import Company, Membership
from bookkeeping.models import Project
from documents.models import Document
from inbound.models import InboundMessage, InboundSettings, SenderProject


def inbound_settings_for(company: Company) -> InboundSettings:
    """The company's settings (unsaved defaults when it never changed them)."""
    return InboundSettings.objects.filter(company=company).first() or InboundSettings(company=company)


def sender_projects_for(company: Company) -> QuerySet[SenderProject]:
    return SenderProject.objects.for_company(company).select_related("project").order_by("sender")


def sender_project_for(company: Company, sender: str) -> SenderProject | None:
    """The sender's own default project (an exact address beats its domain); only active projects."""
    sender = (sender or "").strip().lower()
    domain = sender.rpartition("@")[2]
    if not domain:
        return None
    candidates = sender_projects_for(company).filter(
        sender__in=[sender, f"@{domain}"], project__is_active=True
    )
    by_entry = {c.sender: c for c in candidates}
    return by_entry.get(sender) or by_entry.get(f"@{domain}")


def project_by_number(company: Company, number: str) -> Project | None:
    """The company's project with this Scoro number (ignoring case); an active one before a closed one."""
    return (
        Project.objects.for_company(company)
        .filter(number__iexact=number)
        .order_by("-is_active", "id")
        .first()
    )


def is_member_address(company_id: int, email: str) -> bool:
    users = get_user_model().objects.filter(email__iexact=email, is_active=True)
    return Membership.objects.filter(company_id=company_id, user__in=users).exists()


def document_names(company_id: int, ids: list[int]) -> dict[int, str]:
    return dict(Document.objects.filter(company_id=company_id, pk__in=ids).values_list("pk", "filename"))


def replies_sent_since(record: InboundMessage, since: datetime) -> int:
    """Replies sent to the same sender of the same company since `since`, other than `record`'s."""
    return (
        InboundMessage.objects.filter(
            company_id=record.company_id, reply_to__iexact=record.reply_to, replied_at__gte=since
        )
        .exclude(pk=record.pk)
        .count()
    )
