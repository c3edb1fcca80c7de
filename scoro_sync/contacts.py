"""Two-way contacts: Scoro → here during sync, here → Scoro with `contact_push`.

`Contact.synced_snapshot` holds the contact as both sides last agreed (in our field names). With it a
pull tells "changed in Scoro" (remote differs from the snapshot) from "changed here" (push_state
pending), and a contact changed on both sides becomes a conflict for a person to resolve instead of
one side silently winning.
"""

from __future__ import annotations

import logging
from typing import Any

import pycountry
from django.db import transaction
from django.utils import timezone

from accounts.models import Company
from audit.services import audit_record
from bookkeeping.models import Contact
from core.errors import InvalidTransition, ValidationFailed
from core.hooks import Happened, answers
from core.queueing import delay_tolerantly
from scoro_sync.client import ScoroClient
from scoro_sync.errors import ScoroNotFound, ScoroValidationError
from scoro_sync.tasks import push_contact

logger = logging.getLogger(__name__)

# Our fields that travel to and from Scoro (the snapshot compares exactly these).
SYNCED_FIELDS = (
    "contact_type", "name", "lastname", "reg_no", "vat_no", "iban", "email", "phone",
    "country", "city", "street", "zipcode", "is_supplier", "is_client",
)  # fmt: skip
_MAX_LENGTHS = {f.name: f.max_length for f in Contact._meta.fields if getattr(f, "max_length", None)}


def _first(values: Any) -> str:
    if isinstance(values, list):
        return next((str(v) for v in values if v), "")
    return str(values or "")


def _clip(field: str, value: Any) -> Any:
    if isinstance(value, str) and field in _MAX_LENGTHS:
        return value.strip()[: _MAX_LENGTHS[field]]
    return value


def remote_to_fields(row: dict[str, Any]) -> dict[str, Any]:
    """A Scoro contact in our field names (the shape kept in synced_snapshot and conflict_remote)."""
    addresses = row.get("addresses") or []
    address = addresses[0] if addresses and isinstance(addresses[0], dict) else {}
    means = row.get("means_of_contact") or {}
    fields = {
        "contact_type": row.get("contact_type") or "company",
        "name": row.get("name") or "",
        "lastname": row.get("lastname") or "",
        "reg_no": row.get("id_code") or "",
        "vat_no": row.get("vatno") or "",
        "iban": row.get("bankaccount") or "",
        "email": _first(means.get("email")),
        "phone": _first(means.get("phone")) or _first(means.get("mobile")),
        "country": address.get("country") or "",
        "city": address.get("city") or "",
        "street": address.get("street") or "",
        "zipcode": address.get("zipcode") or "",
        "is_supplier": bool(row.get("is_supplier")),
        "is_client": bool(row.get("is_client")),
    }
    return {k: _clip(k, v) for k, v in fields.items()}


def local_fields(contact: Contact) -> dict[str, Any]:
    return {f: getattr(contact, f) for f in SYNCED_FIELDS}


def _snapshot_fields(snapshot: dict[str, Any]) -> dict[str, Any]:
    return {f: snapshot.get(f) for f in SYNCED_FIELDS} if snapshot else {}


def _snapshot(fields: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    addresses = row.get("addresses") or []
    address_id = (
        addresses[0].get("contacts_addresses_id") if addresses and isinstance(addresses[0], dict) else None
    )
    return {**fields, "modified_date": row.get("modified_date") or "", "address_id": address_id}


def alpha3(country: str) -> str:
    """Scoro wants ISO 3166 alpha-3 ("EST"); accept alpha-2 ("EE") typed here."""
    code = (country or "").strip().upper()
    if len(code) == 2:
        found = pycountry.countries.get(alpha_2=code)
        return found.alpha_3 if found else ""
    if len(code) == 3 and pycountry.countries.get(alpha_3=code):
        return code
    return ""


def fields_to_remote(fields: dict[str, Any], *, address_id: int | None = None) -> dict[str, Any]:
    """Our fields as a Scoro contacts/modify request. Suppliers get is_supplier 1 so Scoro offers them on bills."""
    data: dict[str, Any] = {}
    simple = {"contact_type": "contact_type", "name": "name", "lastname": "lastname",
              "reg_no": "id_code", "vat_no": "vatno", "iban": "bankaccount"}  # fmt: skip
    for ours, theirs in simple.items():
        if ours in fields:
            data[theirs] = fields[ours] or ""
    if "is_supplier" in fields:
        data["is_supplier"] = 1 if fields["is_supplier"] else 0
    if "is_client" in fields:
        data["is_client"] = 1 if fields["is_client"] else 0
    if {"email", "phone"} & fields.keys():
        means: dict[str, list[str]] = {}
        if "email" in fields:
            means["email"] = [fields["email"]] if fields["email"] else []
        if "phone" in fields:
            means["phone"] = [fields["phone"]] if fields["phone"] else []
        data["means_of_contact"] = means
    if {"country", "city", "street", "zipcode"} & fields.keys():
        address = {
            "country": alpha3(fields.get("country", "")),
            "city": fields.get("city", ""),
            "street": fields.get("street", ""),
            "zipcode": fields.get("zipcode", ""),
        }
        if address_id:
            address["contacts_addresses_id"] = address_id
        data["addresses"] = (
            [address] if any(v for k, v in address.items() if k != "contacts_addresses_id") else []
        )
    return data


# ------------------------------------------------------------------------------------------ pull
def contacts_apply_remote(
    *, company: Company, rows: list[dict[str, Any]], full: bool, counts: dict[str, int]
) -> None:
    """Upsert pulled Scoro contacts; deactivate deleted ones (and, on a full list, vanished ones).

    A contact waiting to be pushed whose Scoro side changed too becomes a conflict; the local
    values are kept and Scoro's are stored in conflict_remote for a person to choose.
    """
    ids = [int(r["contact_id"]) for r in rows]
    existing = {c.scoro_id: c for c in Contact.objects.for_company(company).filter(scoro_id__in=ids)}
    unlinked = list(Contact.objects.for_company(company).filter(scoro_id__isnull=True, is_active=True))
    by_vat = {c.vat_no.upper(): c for c in unlinked if c.vat_no}
    by_reg = {c.reg_no.upper(): c for c in unlinked if c.reg_no}
    now = timezone.now()
    to_create: list[Contact] = []
    to_update: list[Contact] = []
    for row in rows:
        sid = int(row["contact_id"])
        deleted = bool(row.get("is_deleted"))
        remote = remote_to_fields(row)
        contact = existing.get(sid)
        if contact is None and not deleted:
            # A contact created here whose push has not landed yet may already exist in Scoro: link it.
            contact = by_vat.pop(remote["vat_no"].upper(), None) if remote["vat_no"] else None
            if contact is None and remote["reg_no"]:
                contact = by_reg.pop(remote["reg_no"].upper(), None)
            if contact is not None:
                contact.scoro_id = sid
        if contact is None:
            if deleted:
                continue
            contact = Contact(company=company, scoro_id=sid, **remote)
            contact.synced_snapshot = _snapshot(remote, row)
            contact.scoro_modified = row.get("modified_date") or ""
            to_create.append(contact)
            counts["created"] += 1
            continue
        changed = _merge_remote(contact, remote, row)
        if deleted and contact.is_active:
            contact.is_active = False
            counts["deactivated"] += 1
            changed = True
        elif not deleted and not contact.is_active:
            contact.is_active = True
            counts["updated"] += 1
            changed = True
        elif changed:
            counts["updated"] += 1
        if changed:
            contact.updated_at = now
            to_update.append(contact)
    with transaction.atomic():
        Contact.objects.bulk_create(to_create, batch_size=500)
        if to_update:
            Contact.objects.bulk_update(
                to_update,
                [*SYNCED_FIELDS, "scoro_id", "is_active", "push_state", "synced_snapshot",
                 "conflict_remote", "scoro_modified", "updated_at"],
                batch_size=500,
            )  # fmt: skip
        if full:
            seen = set(ids)
            vanished = (
                Contact.objects.for_company(company)
                .filter(scoro_id__isnull=False, is_active=True)
                .exclude(scoro_id__in=seen)
            )
            counts["deactivated"] += vanished.update(is_active=False, updated_at=now)


def _merge_remote(contact: Contact, remote: dict[str, Any], row: dict[str, Any]) -> bool:
    """Apply one pulled Scoro contact to a local one. Returns True when the row must be saved."""
    snapshot = _snapshot_fields(contact.synced_snapshot)
    remote_changed = remote != snapshot
    mine = local_fields(contact)
    state = contact.push_state
    if state == Contact.PushState.CONFLICT:
        if remote == mine:  # both sides now agree: the conflict resolved itself
            contact.push_state = Contact.PushState.IN_SYNC
            contact.conflict_remote = {}
            contact.synced_snapshot = _snapshot(remote, row)
            contact.scoro_modified = row.get("modified_date") or ""
            return True
        if contact.conflict_remote != _snapshot(remote, row):
            contact.conflict_remote = _snapshot(remote, row)
            return True
        return False
    if state in (Contact.PushState.PENDING, Contact.PushState.FAILED):
        if not remote_changed:
            return False  # only changed here: the push sends it
        if remote == mine:
            contact.push_state = Contact.PushState.IN_SYNC
            contact.synced_snapshot = _snapshot(remote, row)
            contact.scoro_modified = row.get("modified_date") or ""
            return True
        contact.push_state = Contact.PushState.CONFLICT
        contact.conflict_remote = _snapshot(remote, row)
        return True
    # In sync here: Scoro's version wins.
    new_snapshot = _snapshot(remote, row)
    if mine == remote and contact.synced_snapshot == new_snapshot:
        return False
    for field, value in remote.items():
        setattr(contact, field, value)
    contact.synced_snapshot = new_snapshot
    contact.scoro_modified = row.get("modified_date") or ""
    return True


# ------------------------------------------------------------------------------------------ push
def _find_remote(client: ScoroClient, fields: dict[str, Any]) -> dict[str, Any] | None:
    """Match before create, to avoid duplicates: VAT number, then registry code, then exact name."""
    probes = []
    if fields.get("vat_no"):
        probes.append(
            (
                {"vatno": fields["vat_no"]},
                lambda r: (r.get("vatno") or "").upper() == fields["vat_no"].upper(),
            )
        )
    if fields.get("reg_no"):
        probes.append(
            (
                {"id_code": fields["reg_no"]},
                lambda r: (r.get("id_code") or "").upper() == fields["reg_no"].upper(),
            )
        )
    if fields.get("name"):

        def same_name(r: dict[str, Any]) -> bool:
            return (r.get("name") or "") == fields["name"] and (r.get("lastname") or "") == (
                fields.get("lastname") or ""
            )

        probes.append(({"name": fields["name"]}, same_name))
    for flt, matches in probes:
        for row in client.list("contacts", filter=flt, per_page=25):
            if not row.get("is_deleted") and matches(row):
                return row
    return None


def contact_push(*, contact: Contact, client: ScoroClient) -> Contact:
    """Send a contact changed here to Scoro (create, or update what changed since the last agreement).

    Conflicts are never pushed. Before updating, Scoro's current version is read: if it changed since
    the snapshot too, the contact becomes a conflict instead of overwriting Scoro.
    Raises the client's errors for the caller (task) to retry; a validation error marks it failed.
    """
    if contact.push_state not in (Contact.PushState.PENDING, Contact.PushState.FAILED):
        return contact
    mine = local_fields(contact)
    try:
        if contact.scoro_id is None:
            remote_row = _find_remote(client, mine)
            if remote_row is None:
                data = fields_to_remote(mine)
                data["is_supplier"] = 1 if contact.is_supplier else data.get("is_supplier", 0)
                saved = client.create("contacts", data, lookup=lambda: _find_remote(client, mine))
                verb = "contact.created_in_scoro"
            else:
                sid = int(remote_row["contact_id"])
                taken = (
                    Contact.objects.for_company(contact.company).filter(scoro_id=sid).exclude(pk=contact.pk)
                )
                if taken.exists():
                    return _push_failed(
                        contact,
                        f"Scoro already has this contact (id {sid}) and it is linked to another contact here; "
                        "merge the two.",
                    )
                remote = remote_to_fields(remote_row)
                changes = {k: v for k, v in mine.items() if v != remote[k] and v not in ("", None)}
                saved = (
                    client.update("contacts", sid, fields_to_remote(changes) | {"is_supplier": 1})
                    if changes or not remote["is_supplier"]
                    else remote_row
                )
                verb = "contact.linked_in_scoro"
        else:
            try:
                remote_row = client.view("contacts", contact.scoro_id)
            except ScoroNotFound:
                return _push_failed(contact, "This contact was deleted in Scoro.")
            remote = remote_to_fields(remote_row)
            snapshot = _snapshot_fields(contact.synced_snapshot)
            if remote != snapshot and remote != mine:
                return _mark_conflict(contact, remote, remote_row)
            changes = {k: v for k, v in mine.items() if v != remote[k]}
            if not changes:
                saved = remote_row
            else:
                address_id = (contact.synced_snapshot or {}).get("address_id")
                if {"country", "city", "street", "zipcode"} & changes.keys():
                    changes.update({k: mine[k] for k in ("country", "city", "street", "zipcode")})
                saved = client.update(
                    "contacts", contact.scoro_id, fields_to_remote(changes, address_id=address_id)
                )
            verb = "contact.updated_in_scoro"
    except ScoroValidationError as exc:
        return _push_failed(contact, "Scoro refused the contact: " + ("; ".join(exc.messages) or exc.message))
    return _push_succeeded(contact, saved, verb)


@transaction.atomic
def _push_succeeded(contact: Contact, saved: dict[str, Any], verb: str) -> Contact:
    locked = Contact.objects.select_for_update().get(pk=contact.pk)
    fields = remote_to_fields(saved)
    locked.scoro_id = int(saved["contact_id"])
    locked.scoro_modified = saved.get("modified_date") or ""
    locked.synced_snapshot = _snapshot(fields, saved)
    locked.push_error = ""
    # Edited again while we were sending? Then it stays pending and goes out next time.
    if local_fields(locked) == local_fields(contact):
        locked.push_state = Contact.PushState.IN_SYNC
        if fields != local_fields(locked):
            # Scoro normalised something (e.g. a country code): take its version, it is what we agreed.
            for key, value in fields.items():
                setattr(locked, key, value)
    locked.save()
    audit_record(
        target=locked, verb=verb, actor_label="scoro sync", message=f"Scoro contact {locked.scoro_id}"
    )
    return locked


def _push_failed(contact: Contact, message: str) -> Contact:
    Contact.objects.filter(pk=contact.pk).update(
        push_state=Contact.PushState.FAILED, push_error=message[:1000]
    )
    contact.refresh_from_db()
    audit_record(target=contact, verb="contact.push_failed", actor_label="scoro sync", message=message[:500])
    return contact


def _mark_conflict(contact: Contact, remote: dict[str, Any], row: dict[str, Any]) -> Contact:
    Contact.objects.filter(pk=contact.pk).update(
        push_state=Contact.PushState.CONFLICT, conflict_remote=_snapshot(remote, row)
    )
    contact.refresh_from_db()
    audit_record(
        target=contact, verb="contact.conflict", actor_label="scoro sync",
        message="Changed here and in Scoro; waiting for a person to choose.",
    )  # fmt: skip
    return contact


# ------------------------------------------------------------------------------------------ resolve
@transaction.atomic
def contact_conflict_resolve(*, contact: Contact, keep: str, actor) -> Contact:
    """keep="mine": send our version to Scoro; keep="scoro": take Scoro's version here."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.push_state != Contact.PushState.CONFLICT:
        raise InvalidTransition("This contact has no conflict to resolve.")
    if keep not in ("mine", "scoro"):
        raise ValidationFailed('Choose "mine" or "scoro".')
    remote = contact.conflict_remote
    if keep == "scoro":
        for field in SYNCED_FIELDS:
            if field in remote:
                setattr(contact, field, remote[field])
        contact.push_state = Contact.PushState.IN_SYNC
    else:
        contact.push_state = Contact.PushState.PENDING
    # Either way Scoro's current version is now the agreed base: a push updates only what differs.
    contact.synced_snapshot = remote
    contact.scoro_modified = remote.get("modified_date") or contact.scoro_modified
    contact.conflict_remote = {}
    contact.push_error = ""
    contact.save()
    audit_record(
        target=contact, verb="contact.conflict_resolved", actor=actor,
        message="Kept the version here" if keep == "mine" else "Took the version from Scoro",
        data={"keep": keep},
    )  # fmt: skip
    if keep == "mine":
        contact_id = contact.pk
        transaction.on_commit(lambda: contact_changed(contact_id=contact_id))
    return contact


@answers(Happened.CONTACT_CHANGED)
def contact_changed(*, contact_id: int) -> None:
    """A contact changed here: queue sending it to Scoro (with the broker down, the next sync sends it)."""
    if not delay_tolerantly(push_contact, contact_id):
        logger.warning("Could not queue contact %s for Scoro; will retry on sync", contact_id)
