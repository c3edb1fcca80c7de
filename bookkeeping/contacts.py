"""Local writes to contacts. A change made here is announced; scoro_sync queues it to be sent to Scoro."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accounts.models import Company
from bookkeeping.models import Contact
from core.hooks import Happened, announce


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
    transaction.on_commit(lambda: announce(Happened.CONTACT_CHANGED, contact_id=contact_id))
    return contact
