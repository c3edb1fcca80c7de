"""The request body for an attempt (a bill, a receipt's expense, a report's expense) and its supplier in Scoro."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from approvals.selectors import approval_comment_for
from audit.services import audit_record
from bookkeeping.models import Contact, ScoroUser
from bookkeeping.selectors import vat_code_percents
from documents.choices import DocumentType
from documents.models import Document, ExpenseReport
from documents.readiness import amount_sign, einvoice_totals, missing_for_publishing
from publishing import mapping
from publishing.models import PublishAttempt
from publishing.services.base import WORKER, PublishBlocked, report_receipts
from scoro_sync.client import ScoroClient
from scoro_sync.contacts import contact_push
from scoro_sync.models import ScoroConnection


# --------------------------------------------------------------------------------------------- payload
def _approval_comment(document: Document) -> str:

    return approval_comment_for(document=document)


def _scoro_user_for(*, user, connection: ScoroConnection) -> int | None:
    """The Scoro user behind an Envoice user (same e-mail), else the integration's owner."""
    if user is not None and user.email:
        found = (
            ScoroUser.objects.for_company(connection.company)
            .filter(email__iexact=user.email, scoro_id__isnull=False, is_active=True)
            .values_list("scoro_id", flat=True)
            .first()
        )
        if found:
            return int(found)
    return connection.owner_scoro_user_id


def _load_document(attempt: PublishAttempt) -> tuple[Document, list]:
    document = (
        Document.objects.select_related(
            "company", "supplier", "project", "finance_account", "tax_rate", "uploaded_by"
        )
        .prefetch_related("dimensions__group")
        .get(pk=attempt.document_id)
    )
    lines = list(
        document.lines.select_related("product", "project", "finance_account", "tax_rate", "dimension__group")
    )
    return document, lines


def _kind_note(document: Document) -> str:
    """Says in the bill's comment what the document is when it is not a plain invoice."""
    terms = einvoice_totals(document)
    if terms is None:
        return ""
    if terms.credit_note:
        return f"Credit note (type {terms.type_code or 'CreditNote'}): amounts are negative."
    if terms.corrective:
        return f"Corrective invoice (type {terms.type_code})."
    return ""


def _refuse_difference(document: Document, lines: list, *, kind: str) -> None:
    """Before anything is sent: what Scoro would compute from the payload must be the document's net and
    VAT (and total) to the cent per VAT rate; otherwise the publish waits for a person (PublishBlocked)."""
    if kind == PublishAttempt.Kind.BILL:
        probe = mapping.bill_payload(document, supplier_id=None, comment="", lines=lines)
        scoro_kind = "bill"
    else:
        probe = mapping.receipt_expense_payload(
            document, owner_id=None, merchant_id=None, comment="", reimbursable=False, lines=lines
        )
        scoro_kind = "expense"
    problems = mapping.scoro_difference(document, probe, scoro_kind, vat_code_percents(document.company))
    if problems:
        raise PublishBlocked(
            "Not published: Scoro would not reproduce the document's amounts ("
            + "; ".join(problems)
            + "). Correct the VAT codes or the amounts on the review screen, then publish again."
        )


def build_payload_preview(*, attempt: PublishAttempt, connection: ScoroConnection | None) -> dict[str, Any]:
    """The request body that would be sent, without calling Scoro (admin "Preview payload")."""
    return build_payload(attempt, client=None, connection=connection)[0]


def build_payload(
    attempt: PublishAttempt, *, client: ScoroClient | None, connection: ScoroConnection | None
) -> tuple[dict[str, Any], int, Any]:
    """(request body, version it describes, gross total to compare with). With client=None nothing is
    created in Scoro: a new supplier appears as company_id None (preview)."""
    if attempt.document_id:
        document, lines = _load_document(attempt)
        missing = missing_for_publishing(document, lines)
        if missing:
            raise PublishBlocked(
                f"Waiting for {', '.join(missing)}: a document is never published without them."
            )
        _refuse_difference(document, lines, kind=attempt.kind)
        if document.type == DocumentType.PURCHASE_INVOICE:
            supplier_id = _supplier_scoro_id(document.supplier, client=client)
            comment = mapping.comment_text(
                approval_comment=_approval_comment(document),
                po_number=(document.fields or {}).get("po_number"),
                reference=attempt.reference,
                note=_kind_note(document),
            )
            payload = mapping.bill_payload(document, supplier_id=supplier_id, comment=comment, lines=lines)
        else:
            comment = mapping.comment_text(
                approval_comment="Imported from Envoice.",
                po_number=None,
                reference=attempt.reference,
            )
            merchant = document.supplier
            payload = mapping.receipt_expense_payload(
                document,
                owner_id=_scoro_user_for(user=document.uploaded_by, connection=connection)
                if connection
                else None,
                merchant_id=int(merchant.scoro_id) if merchant and merchant.scoro_id else None,
                comment=comment,
                reimbursable=False,
                lines=lines,
            )
        attempt.warnings = mapping.line_warnings(document, lines)  # saved with the outcome (_finish)
        sign = amount_sign(document)
        version, gross = document.version, (document.total * sign if document.total is not None else None)
    else:
        report = ExpenseReport.objects.select_related("company", "project", "employee").get(
            pk=attempt.expense_report_id
        )
        receipts = report_receipts(report)
        missing = mapping.missing_for_report(report, receipts)
        if missing:
            raise PublishBlocked(
                f"Waiting for {', '.join(missing)}: a report is never published without them."
            )
        comment = mapping.comment_text(
            approval_comment=f"Imported from Envoice. Expense report “{report.title}”.",
            po_number=None,
            reference=attempt.reference,
        )
        payload = mapping.report_expense_payload(
            report,
            receipts,
            owner_id=_scoro_user_for(user=report.employee, connection=connection) if connection else None,
            comment=comment,
        )
        totals = [r.total for r in receipts]
        version, gross = report.version, (sum(totals) if None not in totals else None)
    if attempt.scoro_id:
        mapping.with_line_ids(payload, attempt.scoro_line_ids)
    return payload, version, gross


# --------------------------------------------------------------------------------------------- supplier


def _supplier_scoro_id(contact: Contact | None, *, client: ScoroClient | None) -> int | None:
    """The supplier's Scoro contact id; a supplier Scoro does not know yet is created there first."""
    if contact is None:
        raise PublishBlocked("Choose the supplier before publishing.")
    if contact.scoro_id is not None or client is None:
        return int(contact.scoro_id) if contact.scoro_id is not None else None
    twin = _linked_twin(contact)
    if twin is not None:
        # The same supplier (VAT or registration number) is already linked to a Scoro contact through
        # another contact here: the bill goes to that Scoro contact instead of failing as a duplicate.
        audit_record(
            target=contact,
            verb="contact.linked_in_scoro",
            actor_label=WORKER,
            message=f"Published to Scoro contact {twin.scoro_id}, already linked to {twin} (same VAT/registration number).",
        )
        return int(twin.scoro_id)
    with transaction.atomic():
        # One run at a time per contact (two documents of the same new supplier must not create it twice).
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        if contact.scoro_id is None:
            contact = _push_contact(contact, client=client)
    if contact.scoro_id is None:
        raise PublishBlocked(
            f"The supplier {contact} could not be created in Scoro"
            + (f": {contact.push_error}" if contact.push_error else ".")
        )
    return int(contact.scoro_id)


def _linked_twin(contact: Contact) -> Contact | None:
    """Another contact of the company with the same VAT or registration number that has a Scoro id."""
    for attribute in ("vat_no", "reg_no"):
        value = (getattr(contact, attribute) or "").strip()
        if value:
            twin = (
                Contact.objects.for_company(contact.company_id)
                .filter(**{f"{attribute}__iexact": value}, scoro_id__isnull=False)
                .exclude(pk=contact.pk)
                .order_by("pk")
                .first()
            )
            if twin is not None:
                return twin
    return None


def _push_contact(contact: Contact, *, client: ScoroClient) -> Contact:
    if contact.push_state not in (Contact.PushState.PENDING, Contact.PushState.FAILED):
        contact.push_state = Contact.PushState.PENDING
        contact.save(update_fields=["push_state", "updated_at"])
    return contact_push(contact=contact, client=client)
