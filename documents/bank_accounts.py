"""Four eyes on a supplier's new bank account, seen from the invoice that asks for it.

A bill whose IBAN is not one of its supplier's known accounts is not published (documents.readiness
`bank_account_blocker`, which every way of publishing asks, the worker included) until an admin of the
company who did not record it, and did not type the IBAN in, confirms the account. Confirming makes
it the supplier's current account; the lifecycle then publishes what automatic publishing was holding.
Rejecting keeps the invoice from ever being published with that account. Both are audit rows on the
document and on the account (bookkeeping.bank_accounts keeps the accounts and their state machine).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from accounts.roles import denial_message, role_can
from accounts.selectors import member_of
from audit.models import AuditEvent
from audit.services import audit_record
from bookkeeping.bank_accounts import (
    BankCheck,
    bank_account_confirm,
    bank_account_note,
    bank_account_reject,
    format_iban,
    normalize_iban,
)
from core.errors import InvalidTransition, NotPermitted, ValidationFailed
from core.hooks import Happened, announce
from documents.choices import DocumentStatus as S
from documents.models import Document
from documents.readiness import bank_check

PERMISSION = "bank_accounts.confirm"
# Once in Scoro there is nothing left to hold back.
DECIDABLE_STATUSES = frozenset(S) - {S.PUBLISHED, S.QUEUED, S.PUBLISHING}
# Trail entries whose author put the account on the document: they may not be the second pair of eyes.
RECORDING_VERBS = ("record", "submit")


@dataclass(frozen=True)
class BankAccountReview:
    """What the review screen and the API show about the bill's bank account, for one user."""

    check: BankCheck
    can_confirm: bool
    can_reject: bool
    refusal: str  # why this user may not confirm it, when it waits for confirmation

    def as_dict(self) -> dict:
        return {
            "iban": self.check.iban,
            "state": self.check.state,
            "known": self.check.known,
            "needs_confirmation": self.check.blocks,
            "can_confirm": self.can_confirm,
            "can_reject": self.can_reject,
            "refusal": self.refusal,
        }


def _label(document: Document) -> str:
    return f"invoice {document.invoice_number}" if document.invoice_number else f"document {document.pk}"


def bank_account_recorders(document: Document) -> set[int]:
    """The people who stand behind the account on this document: whoever recorded (or submitted) it and
    whoever typed its IBAN in. None of them may be the one who confirms it."""
    people = {document.recorded_by_id} if document.recorded_by_id else set()
    events = AuditEvent.objects.filter(
        target_id=document.pk,
        target_type__app_label="documents",
        target_type__model="document",
        actor__isnull=False,
    ).values_list("verb", "actor_id", "data")
    for verb, actor_id, data in events:
        if verb in RECORDING_VERBS or (verb == "corrected" and "iban" in ((data or {}).get("fields") or {})):
            people.add(actor_id)
    if (check := bank_check(document)).account is not None and check.account.requested_by_id:
        people.add(check.account.requested_by_id)
    return people


def _refusal(document: Document, user, *, confirming: bool = True) -> str:
    """Why `user` may not confirm (or, `confirming=False`, reject) the bill's new account ("" when they
    may). Rejecting is the cautious way: the admin who recorded the invoice may do that too."""
    membership = member_of(company=document.company_id, user_id=getattr(user, "pk", None))
    role = membership.role if membership else None
    if not role_can(role, PERMISSION):
        return denial_message(role, PERMISSION)
    if document.status not in DECIDABLE_STATUSES:
        return f"The document is {document.get_status_display().lower()}: nothing to decide any more."
    if confirming and user.pk in bank_account_recorders(document):
        return (
            "You recorded this invoice or entered its bank account: a second admin has to confirm the new "
            "account (four eyes)."
        )
    return ""


def bank_account_review(document: Document, *, user) -> BankAccountReview:
    check = bank_check(document)
    if not check.blocks:
        return BankAccountReview(check, can_confirm=False, can_reject=False, refusal="")
    refusal = _refusal(document, user)
    can_reject = check.state == "new" and not _refusal(document, user, confirming=False)
    return BankAccountReview(check, can_confirm=not refusal, can_reject=can_reject, refusal=refusal)


def document_bank_account_note(*, document: Document, actor) -> None:
    """At recording: the supplier's first account goes on file, a new one into its history as pending
    (with a line in the document's history)."""
    check = bank_check(document)
    if check.state not in ("first", "new"):
        return
    bank_account_note(
        contact=document.supplier,
        iban=check.iban,
        document_id=document.pk,
        document_label=_label(document),
        actor=actor,
    )
    if check.state == "first":
        message = (
            f"{format_iban(check.iban)} is the first bank account seen for {document.supplier}: "
            "recorded as its account (there was none on file to compare with)."
        )
        verb = "bank_account.first"
    else:
        message = (
            f"New bank account {format_iban(check.iban)} for {document.supplier} (on file: "
            f"{', '.join(format_iban(k) for k in check.known)}): publishing waits until a second admin "
            "confirms it."
        )
        verb = "bank_account.new"
    audit_record(target=document, verb=verb, actor=actor, message=message, data={"iban": check.iban})


def _decide(document: Document, *, actor, iban: str, confirming: bool) -> tuple[Document, BankCheck]:
    """The document, locked, and its check; refuses what may not be decided. Call inside a transaction."""
    document = (
        Document.objects.select_for_update(of=("self",))
        .select_related("supplier", "company")
        .get(pk=document.pk)
    )
    check = bank_check(document)
    if check.state not in ("new", "rejected"):
        raise InvalidTransition("This invoice's bank account needs no confirmation.")
    if normalize_iban(iban) != check.iban:
        raise ValidationFailed(
            f"The invoice's IBAN is now {format_iban(check.iban)}, not {format_iban(iban)}: look again.",
            {"field": "iban"},
        )
    refusal = _refusal(document, actor, confirming=confirming)
    if refusal:
        raise NotPermitted(refusal)
    return document, check


def document_bank_account_confirm(*, document: Document, actor, iban: str) -> Document:
    """A second admin confirms the bill's new account: it becomes the supplier's current account and
    what waited for it is published when automatic publishing applies (the lifecycle decides)."""
    with transaction.atomic():
        document, check = _decide(document, actor=actor, iban=iban, confirming=True)
        bank_account_confirm(
            contact=document.supplier,
            iban=check.iban,
            actor=actor,
            document_id=document.pk,
            document_label=_label(document),
        )
        audit_record(
            target=document,
            verb="confirm_bank_account",
            actor=actor,
            message=f"{format_iban(check.iban)} confirmed as the bank account of {document.supplier}.",
            data={"iban": check.iban, "previous": check.known},
        )
    announce(Happened.BANK_ACCOUNT_CONFIRMED, document=document, iban=check.iban)
    return document


def document_bank_account_reject(*, document: Document, actor, iban: str, reason: str = "") -> Document:
    """Not the supplier's account: the invoice is never published with it (correct it, or delete it)."""
    with transaction.atomic():
        document, check = _decide(document, actor=actor, iban=iban, confirming=False)
        if check.state == "rejected":
            raise InvalidTransition(f"{format_iban(check.iban)} is rejected already.")
        bank_account_reject(
            contact=document.supplier,
            iban=check.iban,
            actor=actor,
            document_id=document.pk,
            document_label=_label(document),
            reason=reason,
        )
        audit_record(
            target=document,
            verb="reject_bank_account",
            actor=actor,
            message=f"{format_iban(check.iban)} rejected as a bank account of {document.supplier}"
            + (f": {reason}" if reason else "."),
            data={"iban": check.iban, "reason": reason},
        )
    return document
