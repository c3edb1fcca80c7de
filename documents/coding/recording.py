"""Recording: the move of a coded document to approval or "ready" (every one goes through `document_record`)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core.errors import InvalidTransition, ValidationFailed
from core.hooks import Happened, announce
from documents.bank_accounts import document_bank_account_note
from documents.choices import DocumentStatus as S
from documents.coding.values import RECORDABLE_STATUSES
from documents.models import Document
from documents.readiness import recording_problems
from scoro_sync.models import ScoroConnection


def recording_required_for(company) -> bool:
    value = (
        ScoroConnection.objects.filter(company=company).values_list("recording_required", flat=True).first()
    )
    return True if value is None else value


def document_record(*, document: Document, actor) -> Document:
    """Finalize a coded document; the lifecycle sends it to approval when a workflow applies, else
    makes it ready (and publishes it when automatic publishing applies).

    With "Recording required" off in the Scoro settings, the same action submits the document
    without recording it (only the supplier and reconciling totals are required then).
    """
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        if document.status not in RECORDABLE_STATUSES:
            raise InvalidTransition(
                f"Only documents to review can be recorded; this one is {document.get_status_display().lower()}."
            )
        recording = recording_required_for(document.company)
        problems = recording_problems(document, full=recording)
        if problems:
            verb = "record" if recording else "submit"
            raise ValidationFailed(f"Cannot {verb}: missing {', '.join(problems)}.", {"missing": problems})
        if recording:
            document.recorded_at = timezone.now()
            document.recorded_by = actor if getattr(actor, "is_authenticated", False) else None
            document.save(update_fields=["recorded_at", "recorded_by", "updated_at"])
        document_bank_account_note(document=document, actor=actor)
        reached = announce(Happened.DOCUMENT_RECORDED, document=document, actor=actor, recorded=recording)
    if reached == S.READY:
        announce(Happened.DOCUMENT_READY, document=document)
    document.refresh_from_db()
    return document
