"""Local writes to contacts. A change made here is queued to be sent to Scoro."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accounts.models import Company
from bookkeeping.models import Contact


@transaction.atomic
def contact_save_local(
    *, company: Company, contact: Contact | None, data: dict[str, Any], actor=None
) -> Contact:
    if contact is None:
        contact = Contact(company=company)
    for key, value in data.items():
        setattr(contact, key, value)
    if contact.push_state != Contact.PushState.CONFLICT:
        contact.push_state = Contact.PushState.PENDING
    contact.save()
    contact_id = contact.pk
    transaction.on_commit(lambda: _enqueue_push(contact_id))
    return contact


def _enqueue_push(contact_id: int) -> None:
    try:
        from scoro_sync.tasks import push_contact

        push_contact.delay(contact_id)
    except Exception:
        import logging

        logging.getLogger(__name__).warning(
            "Could not queue contact %s for Scoro; will retry on sync", contact_id
        )
