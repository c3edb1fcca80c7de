"""A supplier's bank accounts: which account an invoice may be paid to, and the history of its accounts.

Changed bank details are the classic invoice-fraud pattern, so an invoice from a known supplier that asks
to be paid to an account the supplier has never used waits until a second admin confirms the account.

- Known (a payment may go there): the contact's `iban` (on file: synced from Scoro or entered with the
  contact) and every account of its history that is on file or confirmed.
- A supplier with no account at all: the first account an invoice brings is recorded as on file when
  the invoice is recorded (nothing to compare it with; the note says so). It does not wait.
- Any other account is new: recording the invoice adds it to the history as pending; publishing waits
  (documents.readiness) until it is confirmed, which makes it the contact's `iban` (sent to Scoro), or
  rejected, which keeps the invoice from ever being published with it.

Who may confirm (an admin other than the person who recorded the invoice) is the documents app's rule
(documents.bank_accounts); this module keeps the accounts and their state machine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from bookkeeping.contacts import contact_save_local
from bookkeeping.models import Contact, ContactBankAccount
from bookkeeping.state import BANK_ACCOUNT_MACHINE

B = ContactBankAccount.Status
KNOWN_STATES = (B.ON_FILE, B.CONFIRMED)


def normalize_iban(value: object) -> str:
    """ "ee38 2200-2210 2014 5685" → "EE382200221020145685" (how accounts are stored and compared)."""
    return re.sub(r"[\s\-.]", "", str(value or "")).upper()


def format_iban(value: str) -> str:
    """In groups of four, as people read it."""
    compact = normalize_iban(value)
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


@dataclass(frozen=True)
class BankCheck:
    """How an invoice's account relates to its supplier's accounts.

    state: "none" (no account or no supplier), "known", "first" (the supplier has no account yet),
    "new" (never used: needs a second admin), "rejected" (an admin said it is not the supplier's).
    """

    state: str
    iban: str = ""
    known: list[str] = field(default_factory=list)
    account: ContactBankAccount | None = None  # the history row of `iban`, when there is one

    @property
    def blocks(self) -> bool:
        return self.state in ("new", "rejected")


def bank_account_check(*, contact: Contact | None, iban: object) -> BankCheck:
    """Pure read. Uses `contact.bank_accounts.all()`, so lists that prefetch it cost no query per row."""
    compact = normalize_iban(iban)
    if contact is None or not compact:
        return BankCheck("none", compact)
    rows = list(contact.bank_accounts.all())
    known = [normalize_iban(contact.iban)] if normalize_iban(contact.iban) else []
    known += [r.iban for r in rows if r.status in KNOWN_STATES and r.iban not in known]
    row = next((r for r in rows if r.iban == compact), None)
    if compact in known:
        return BankCheck("known", compact, known, row)
    if row is not None and row.status == B.REJECTED:
        return BankCheck("rejected", compact, known, row)
    if not known and row is None:
        return BankCheck("first", compact, known, row)
    # Asked for before and still waiting (even if the account on file was removed since): it keeps
    # waiting for its second admin rather than slipping on file as a "first" account.
    return BankCheck("new", compact, known, row)


def bank_accounts_of(contact: Contact) -> list[ContactBankAccount]:
    """The supplier's account history, newest first (the account on file included once recorded)."""
    return list(contact.bank_accounts.select_related("requested_by", "decided_by"))


def _on_file_row(contact: Contact) -> None:
    """The contact's current account as a history row, so the history shows what a new one replaces."""
    iban = normalize_iban(contact.iban)
    if iban:
        ContactBankAccount.objects.get_or_create(
            company_id=contact.company_id,
            contact=contact,
            iban=iban,
            defaults={"status": B.ON_FILE, "note": "On file with the contact"},
        )


@transaction.atomic
def bank_account_note(
    *, contact: Contact, iban: object, document_id: int, document_label: str, actor
) -> BankCheck:
    """Called when an invoice is recorded: a first account goes on file, a new one into the history as
    pending (with an audit row on the contact's account). Returns the check as it was."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    check = bank_account_check(contact=contact, iban=iban)
    if check.state == "first":
        # "first" means no history row for this IBAN yet (bank_account_check), so this creates it.
        account, _ = ContactBankAccount.objects.get_or_create(
            company_id=contact.company_id,
            contact=contact,
            iban=check.iban,
            defaults={
                "status": B.ON_FILE,
                "note": "First bank account seen for the supplier (nothing on file to compare with)",
                **_asked_on(document_id, document_label, actor),
            },
        )
        contact_save_local(company=contact.company, contact=contact, data={"iban": check.iban}, actor=actor)
        audit_record(
            target=account,
            verb="bank_account.first",
            actor=actor,
            message=f"{format_iban(check.iban)} is the first bank account seen for {contact}: recorded as "
            f"its account from {document_label}.",
            data={"iban": check.iban, "document": document_id},
        )
    elif check.state == "new" and check.account is None:
        _on_file_row(contact)
        account = _pending_row(
            contact, check.iban, document_id=document_id, document_label=document_label, actor=actor
        )
        audit_record(
            target=account,
            verb="bank_account.new",
            actor=actor,
            message=f"{document_label} asks to be paid to {format_iban(check.iban)}, not to the account on "
            f"file for {contact} ({', '.join(format_iban(k) for k in check.known)}).",
            data={"iban": check.iban, "known": check.known, "document": document_id},
        )
    return check


def _asked_on(document_id: int, document_label: str, actor) -> dict:
    """The invoice that brought an account into the history, and who recorded it."""
    return {
        "first_document_id": document_id,
        "first_document_label": document_label[:255],
        "requested_by": actor if getattr(actor, "is_authenticated", False) else None,
    }


def _pending_row(contact: Contact, iban: str, *, document_id: int, document_label: str, actor):
    account, _ = ContactBankAccount.objects.get_or_create(
        company_id=contact.company_id,
        contact=contact,
        iban=iban,
        defaults={
            "status": B.PENDING,
            "note": "Asked for on an invoice",
            **_asked_on(document_id, document_label, actor),
        },
    )
    return account


@transaction.atomic
def bank_account_confirm(
    *, contact: Contact, iban: object, actor, document_id: int, document_label: str
) -> ContactBankAccount:
    """The account becomes the supplier's current one (its `iban`, sent to Scoro). Who may is checked
    by the caller (documents.bank_accounts)."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    compact = normalize_iban(iban)
    _on_file_row(contact)
    account = _pending_row(
        contact, compact, document_id=document_id, document_label=document_label, actor=actor
    )
    previous = normalize_iban(contact.iban)
    BANK_ACCOUNT_MACHINE.fire(
        account,
        "confirm_bank_account",
        actor=actor,
        message=f"{format_iban(compact)} confirmed as the bank account of {contact}"
        + (f" (was {format_iban(previous)})" if previous else "")
        + f", on {document_label}.",
        data={"iban": compact, "previous": previous, "document": document_id},
        also={"decided_by": actor, "decided_at": timezone.now()},
    )
    contact_save_local(company=contact.company, contact=contact, data={"iban": compact}, actor=actor)
    return account


@transaction.atomic
def bank_account_reject(
    *, contact: Contact, iban: object, actor, document_id: int, document_label: str, reason: str = ""
) -> ContactBankAccount:
    """Not the supplier's account: invoices asking for it are never published with it."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    compact = normalize_iban(iban)
    account = _pending_row(
        contact, compact, document_id=document_id, document_label=document_label, actor=actor
    )
    BANK_ACCOUNT_MACHINE.fire(
        account,
        "reject_bank_account",
        actor=actor,
        message=f"{format_iban(compact)} rejected as a bank account of {contact}, on {document_label}"
        + (f": {reason}" if reason else "."),
        data={"iban": compact, "document": document_id, "reason": reason},
        also={"decided_by": actor, "decided_at": timezone.now()},
    )
    return account
