"""Files that go with a published document: the original and, when asked, every extra attachment."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile

from audit.services import audit_record
from documents.einvoice_view import embedded_files_for
from documents.models import Document
from publishing.models import Attachment, PublishAttempt
from publishing.services.base import PublishBlocked, report_receipts
from scoro_sync.client import ScoroClient
from scoro_sync.models import ScoroConnection


# --------------------------------------------------------------------------------------------- files
def _attachments(attempt: PublishAttempt, connection: ScoroConnection) -> list[tuple[str, str, Any]]:
    """(key, file name, file) of what goes to the Scoro document's Files: each original, and with
    "Publish all attachments" on every extra attachment and every file embedded in the e-invoice too."""
    documents = [attempt.document] if attempt.document_id else report_receipts(attempt.expense_report)
    out = []
    for document in documents:
        if document.original:
            out.append(
                (f"original:{document.pk}:{document.sha256[:16]}", document.filename, document.original)
            )
        if connection.publish_attachments:
            for extra in Attachment.objects.filter(document=document):
                out.append((f"attachment:{extra.pk}:{extra.sha256[:16]}", extra.filename, extra.file))
            # Supporting files embedded in an e-invoice (type-checked and size-capped by the reader).
            for embedded in embedded_files_for(document):
                if embedded.content is not None:
                    key = f"embedded:{document.pk}:{embedded.sha256[:16]}"
                    out.append((key, embedded.name, ContentFile(embedded.content, name=embedded.name)))
    return out


def attachments_for_preview(attempt: PublishAttempt, connection: ScoroConnection | None) -> list:
    return _attachments(attempt, connection) if connection is not None else []


def upload_files(attempt: PublishAttempt, *, client: ScoroClient, connection: ScoroConnection) -> None:
    wanted = _attachments(attempt, connection)
    if not wanted:
        return
    uploader = connection.owner_scoro_user_id
    if not uploader:
        raise PublishBlocked("Choose the Scoro user Envoice acts as (Settings › Integrations › Scoro).")
    files = dict(attempt.files or {})
    for key, name, field in wanted:
        entry = files.get(key) or {}
        if entry.get("linked"):
            continue
        if not entry.get("file_id"):
            with field.open("rb") as fh:
                content = fh.read()
            uploaded = client.upload_file(name, content, int(uploader))
            entry = {"file_id": int(uploaded.get("file_id") or uploaded.get("id")), "linked": False}
            files[key] = entry
            PublishAttempt.objects.filter(pk=attempt.pk).update(files=files)
        client.add_file_relation(entry["file_id"], attempt.scoro_module, int(attempt.scoro_id))
        entry["linked"] = True
        PublishAttempt.objects.filter(pk=attempt.pk).update(files=files)
    attempt.files = files


# --------------------------------------------------------------------------------------------- attachments
def attachment_add(
    *, document: Document, name: str, content: bytes, content_type: str = "", actor
) -> Attachment:
    """An extra file for `document` (published to Scoro with "Publish all attachments" on)."""
    attachment = Attachment(
        company_id=document.company_id,
        document=document,
        filename=name[:255],
        content_type=content_type,
        size=len(content),
        sha256=Attachment.digest(content),
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    audit_record(target=document, verb="attachment.added", actor=actor, message=name)
    return attachment
