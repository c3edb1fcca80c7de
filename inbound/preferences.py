"""Company settings for inbound mail: per-sender default projects, the link allow-list, replies.

Writes for Settings › E-mail (browser) and /api/v1/inbound/sender-projects/ and /settings/ (API); each
is audited on the company. Reads are in inbound.selectors.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from accounts.models import Company
from audit.models import AuditEvent
from bookkeeping.models import Project
from core.errors import ValidationFailed
from inbound.addressing import SENDER_ENTRY, split_entries
from inbound.models import InboundSettings, SenderProject


def audit_company(*, company: Company, verb: str, actor, message: str, data: dict) -> None:
    """An audit row about the company itself (audit_record() expects a company-owned target)."""
    person = getattr(actor, "is_authenticated", False)
    AuditEvent.objects.create(
        company=company,
        actor=actor if person else None,
        actor_label="" if person else "system",
        verb=verb,
        target_type=ContentType.objects.get_for_model(Company),
        target_id=company.pk,
        message=message[:1000],
        data=data,
    )


def clean_sender_entry(value: str) -> str:
    """One address or @domain, lower case; a bare domain becomes @domain."""
    entry = (value or "").strip().lower()
    if not SENDER_ENTRY.match(entry) or len(entry) > 254:
        raise ValidationFailed(
            "Enter an e-mail address (ap@supplier.example) or a domain (@supplier.example).",
            {"field": "sender"},
        )
    return entry if "@" in entry else f"@{entry}"


def clean_sender_list(text: str, *, field: str) -> list[str]:
    entries = split_entries(text)
    bad = [e for e in entries if not SENDER_ENTRY.match(e)]
    if bad:
        raise ValidationFailed(f"Not an e-mail address or @domain: {', '.join(bad)[:300]}", {"field": field})
    if len(entries) > 200:
        raise ValidationFailed("At most 200 entries.", {"field": field})
    return list(dict.fromkeys(entries))


def _project(company: Company, project: Project | int | None) -> Project:
    pk = project.pk if isinstance(project, Project) else project
    found = Project.objects.for_company(company).filter(pk=pk, is_active=True).first() if pk else None
    if found is None:
        raise ValidationFailed("Choose one of the company's active projects.", {"field": "project"})
    return found


@transaction.atomic
def sender_project_save(
    *,
    company: Company,
    sender: str,
    project: Project | int | None,
    actor,
    instance: SenderProject | None = None,
) -> SenderProject:
    """Create (or, with `instance`, change) a sender's default project."""
    entry = clean_sender_entry(sender)
    target = _project(company, project)
    row = instance or SenderProject(company=company)
    if row.company_id != company.pk:
        raise ValidationFailed("No such sender.", {"field": "sender"})
    row.sender, row.project = entry, target
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise ValidationFailed(f"{entry} already has a default project.", {"field": "sender"}) from None
    audit_company(
        company=company,
        verb="set_sender_project",
        actor=actor,
        message=f"Mail from {entry} is filed under project {target}",
        data={"sender": entry, "project": target.pk},
    )
    return row


@transaction.atomic
def sender_project_delete(*, company: Company, instance: SenderProject, actor) -> None:
    if instance.company_id != company.pk:
        raise ValidationFailed("No such sender.", {"field": "sender"})
    entry = instance.sender
    instance.delete()
    audit_company(
        company=company,
        verb="delete_sender_project",
        actor=actor,
        message=f"Mail from {entry} no longer has a default project",
        data={"sender": entry},
    )


@transaction.atomic
def inbound_settings_set(
    *, company: Company, link_senders: str, send_replies: bool, actor
) -> InboundSettings:
    entries = clean_sender_list(link_senders, field="link_senders")
    row, _ = InboundSettings.objects.select_for_update().get_or_create(company=company)
    row.link_senders = "\n".join(entries)
    row.send_replies = bool(send_replies)
    row.save(update_fields=["link_senders", "send_replies"])
    audit_company(
        company=company,
        verb="set_inbound_settings",
        actor=actor,
        message=f"Invoice links fetched for {len(entries)} sender entr{'y' if len(entries) == 1 else 'ies'}; "
        f"replies {'on' if row.send_replies else 'off'}",
        data={"link_senders": entries, "send_replies": row.send_replies},
    )
    return row
