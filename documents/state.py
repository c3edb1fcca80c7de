"""The lives of a document and of an expense report as explicit state machines (audit/transitions.py).

Only services call `transition` / `report_transition`. Each locks the row, checks the move is allowed,
saves the new status and writes the audit event in the same transaction.
"""

from __future__ import annotations

from audit.transitions import StateMachine
from documents.choices import DocumentStatus as S
from documents.choices import ExpenseReportStatus as R
from documents.models import Document, ExpenseReport

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
DOCUMENT_MACHINE = StateMachine(
    Document, TRANSITIONS, noun="document", states=S, touches=("updated_at",), initial=frozenset({S.RECEIVED})
)

REPORT_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({R.DRAFT, R.REJECTED}), R.SUBMITTED),
    # A withdrawn (draft) report may be routed again without a new submission.
    "send_to_approval": (frozenset({R.SUBMITTED, R.DRAFT}), R.IN_APPROVAL),
    "withdraw": (frozenset({R.SUBMITTED, R.IN_APPROVAL}), R.DRAFT),
    # Approved, or (no workflow) every receipt read and coded.
    "confirm": (frozenset({R.SUBMITTED, R.IN_APPROVAL}), R.CONFIRMED),
    "reject": (frozenset({R.IN_APPROVAL}), R.REJECTED),
    "queue_publish": (frozenset({R.CONFIRMED, R.PUBLISH_FAILED, R.PUBLISHED}), R.QUEUED),
    "finish_publish": (frozenset({R.QUEUED}), R.PUBLISHED),
    "fail_publish": (frozenset({R.QUEUED}), R.PUBLISH_FAILED),
}
REPORT_MACHINE = StateMachine(
    ExpenseReport, REPORT_TRANSITIONS, noun="expense report", states=R, initial=frozenset({R.DRAFT})
)


def can_transition(document: Document, event: str) -> bool:
    return DOCUMENT_MACHINE.can(document, event)


def transition(
    document: Document,
    event: str,
    *,
    actor=None,
    actor_label: str = "",
    message: str = "",
    data: dict | None = None,
) -> Document:
    return DOCUMENT_MACHINE.fire(
        document, event, actor=actor, actor_label=actor_label, message=message, data=data
    )


def report_transition(
    report: ExpenseReport,
    event: str,
    *,
    actor=None,
    actor_label: str = "",
    message: str = "",
    data: dict | None = None,
    also: dict | None = None,
) -> ExpenseReport:
    return REPORT_MACHINE.fire(
        report, event, actor=actor, actor_label=actor_label, message=message, data=data, also=also
    )
