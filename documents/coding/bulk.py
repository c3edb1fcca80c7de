"""Deletion, bulk actions and creating a supplier from the review form."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from audit.services import audit_record
from bookkeeping.contacts import contact_save_local
from bookkeeping.models import Contact
from core.errors import InvalidTransition, ValidationFailed
from core.storage import STORAGE_ERRORS
from documents.coding.recording import document_record
from documents.coding.values import DELETABLE_STATUSES, check_version, document_update
from documents.models import Document

log = logging.getLogger(__name__)


def document_delete(*, document: Document, actor) -> None:
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        if document.status not in DELETABLE_STATUSES:
            raise InvalidTransition(
                f"A document that is {document.get_status_display().lower()} cannot be deleted."
            )
        audit_record(
            target=document,
            verb="delete",
            actor=actor,
            from_state=document.status,
            message=f"Deleted {document}.",
            data={"filename": document.filename, "sha256": document.sha256},
        )
        name, storage = document.original.name, document.original.storage
        document.delete()
        shared = Document.objects.filter(original=name).exists()
    if name and not shared:
        transaction.on_commit(lambda: _delete_file(storage, name))


def _delete_file(storage, name: str) -> None:
    try:
        storage.delete(name)
    except STORAGE_ERRORS:
        log.warning("Could not delete %s", name)


BULK_ACTIONS = ("assign", "set_project", "record", "delete")


@dataclass
class BulkResult:
    done: int = 0
    errors: list[tuple[Document, str]] = field(default_factory=list)

    @property
    def summary(self) -> str:
        text = f"{self.done} document{'s' if self.done != 1 else ''} done."
        if self.errors:
            text += f" {len(self.errors)} not: " + "; ".join(f"{d}: {m}" for d, m in self.errors[:5])
        return text


def documents_bulk(*, documents: QuerySet[Document], action: str, value: Any, actor) -> BulkResult:
    """One action on many documents; each succeeds or fails on its own."""
    if action not in BULK_ACTIONS:
        raise ValidationFailed(f"Unknown action: {action}.")
    result = BulkResult()
    for document in documents.order_by("pk")[:500]:
        try:
            if action == "assign":
                document_update(document=document, data={"assigned_to": value}, actor=actor)
            elif action == "set_project":
                document_update(document=document, data={"project": value}, actor=actor)
            elif action == "record":
                document_record(document=document, actor=actor)
            else:
                document_delete(document=document, actor=actor)
        except (ValidationFailed, InvalidTransition) as error:
            result.errors.append((document, error.message))
        else:
            result.done += 1
    return result


def document_supplier_create(
    *, document: Document, data: dict[str, Any], actor, expected_version: int | str | None = None
) -> Document:
    """Create a new supplier contact from the review form (it is queued to be pushed to Scoro) and
    code the document with it."""

    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationFailed("Give the new supplier a name.", {"field": "supplier"})
    values = {
        "name": name[:255],
        "vat_no": (data.get("vat_no") or "").strip()[:40],
        "reg_no": (data.get("reg_no") or "").strip()[:40],
        "iban": (data.get("iban") or "").strip()[:40],
        "is_supplier": True,
    }
    with transaction.atomic():
        check_version(Document.objects.select_for_update().get(pk=document.pk), expected_version)
        known = _same_supplier(document.company, vat_no=values["vat_no"], reg_no=values["reg_no"])
        if known is not None:
            # Created for an earlier document (or synced from Scoro): the same VAT or registration
            # number is the same supplier, never a second contact that Scoro would refuse as a duplicate.
            return document_update(document=document, data={"supplier": known.pk}, actor=actor)
        contact = contact_save_local(company=document.company, contact=None, data=values, actor=actor)
        audit_record(target=contact, verb="contact_created", actor=actor, message=f"New supplier {contact}.")
        return document_update(document=document, data={"supplier": contact.pk}, actor=actor)


def _same_supplier(company, *, vat_no: str, reg_no: str) -> Contact | None:
    """The company's contact with this VAT number or registration number (as typed, or without spaces,
    dots and dashes), VAT first."""
    for attribute, value in (("vat_no", vat_no), ("reg_no", reg_no)):
        compact = re.sub(r"[\s.\-]", "", value or "")
        if not compact:
            continue
        same = Q(**{f"{attribute}__iexact": value.strip()}) | Q(**{f"{attribute}__iexact": compact})
        found = Contact.objects.for_company(company).filter(same).order_by("pk").first()
        if found is not None:
            return found
    return None
