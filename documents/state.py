"""A document's life as an explicit state machine.

Only services call `transition`. It locks the row, checks the move is allowed, saves the new status
and writes the audit event in the same transaction.
"""

from __future__ import annotations

from django.db import transaction

from audit.services import audit_record
from core.errors import InvalidTransition
from documents.choices import DocumentStatus as S
from documents.models import Document

# event -> (allowed source states, target state)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "start_extraction": (frozenset({S.RECEIVED, S.TO_REVIEW}), S.EXTRACTING),
    "finish_extraction": (frozenset({S.EXTRACTING, S.RECEIVED}), S.TO_REVIEW),
    "record": (frozenset({S.TO_REVIEW, S.REJECTED}), S.READY),
    # "Recording required" off in the Scoro settings: ready without recording.
    "submit": (frozenset({S.TO_REVIEW, S.REJECTED}), S.READY),
    "send_to_approval": (frozenset({S.TO_REVIEW, S.REJECTED, S.READY}), S.IN_APPROVAL),
    "approve": (frozenset({S.IN_APPROVAL}), S.READY),
    "reject": (frozenset({S.IN_APPROVAL}), S.REJECTED),
    "reopen": (frozenset({S.READY, S.IN_APPROVAL, S.REJECTED, S.PUBLISHED, S.PUBLISH_FAILED}), S.TO_REVIEW),
    "queue_publish": (frozenset({S.READY, S.PUBLISH_FAILED, S.PUBLISHED}), S.QUEUED),
    "start_publish": (frozenset({S.QUEUED, S.PUBLISHING}), S.PUBLISHING),
    "finish_publish": (frozenset({S.PUBLISHING, S.QUEUED}), S.PUBLISHED),
    "fail_publish": (frozenset({S.PUBLISHING, S.QUEUED}), S.PUBLISH_FAILED),
}


def can_transition(document: Document, event: str) -> bool:
    sources, _ = TRANSITIONS[event]
    return document.status in sources


@transaction.atomic
def transition(
    document: Document,
    event: str,
    *,
    actor=None,
    actor_label: str = "",
    message: str = "",
    data: dict | None = None,
) -> Document:
    sources, target = TRANSITIONS[event]
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if locked.status not in sources:
        raise InvalidTransition(
            f"Cannot {event.replace('_', ' ')} a document that is {locked.get_status_display().lower()}."
        )
    from_state = locked.status
    locked.status = target
    locked.save(update_fields=["status", "updated_at"])
    document.status = target
    audit_record(
        target=locked,
        verb=event,
        actor=actor,
        actor_label=actor_label,
        from_state=from_state,
        to_state=target,
        message=message,
        data=data,
    )
    return document
