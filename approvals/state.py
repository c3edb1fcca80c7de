"""The lives of an approval request and of its steps as state machines (audit/transitions.py).

Only approvals/services.py moves them. A request is created pending and ends approved, rejected,
cancelled (the subject was withdrawn or sent to approval again) or restarted (an edit during approval);
its steps wait, become pending one at a time, and end approved, rejected or cancelled with their request.
"""

from __future__ import annotations

from approvals.choices import RequestStatus as R
from approvals.choices import StepStatus as St
from approvals.models import ApprovalRequest, ApprovalRequestStep
from audit.transitions import StateMachine

# event -> (allowed source states, target state)
REQUEST_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "approve": (frozenset({R.PENDING}), R.APPROVED),
    "reject": (frozenset({R.PENDING}), R.REJECTED),
    "cancel": (frozenset({R.PENDING}), R.CANCELLED),
    "restart": (frozenset({R.PENDING}), R.RESTARTED),
}
REQUEST_MACHINE = StateMachine(
    ApprovalRequest,
    REQUEST_TRANSITIONS,
    noun="approval request",
    states=R,
    initial=frozenset({R.PENDING}),
    verb_prefix="approval_request.",
)

STEP_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "activate": (frozenset({St.WAITING}), St.PENDING),
    "approve": (frozenset({St.PENDING}), St.APPROVED),
    "reject": (frozenset({St.PENDING}), St.REJECTED),
    "cancel": (frozenset({St.WAITING, St.PENDING}), St.CANCELLED),
}
STEP_MACHINE = StateMachine(
    ApprovalRequestStep,
    STEP_TRANSITIONS,
    noun="approval step",
    states=St,
    initial=frozenset({St.WAITING}),
    verb_prefix="approval_step.",
)
