"""The life of a publish attempt as a state machine (audit/transitions.py).

An attempt is created waiting; a person or automatic publishing queues it, a worker run starts it (again,
when it takes over from a run that died) and ends it published, failed, or retrying (a transient failure
outlasted the task's retries): a due retry resumes it, or drops it when its document moved on meanwhile.
Only publishing/services moves it, always after the lease and row-lock steps described there.
"""

from __future__ import annotations

from audit.transitions import StateMachine
from publishing.models import PublishAttempt

A = PublishAttempt.Status
AT_REST = frozenset({A.WAITING, A.PUBLISHED, A.FAILED, A.RETRYING})  # not queued or publishing

# event -> (allowed source states, target state)
ATTEMPT_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "wait": (AT_REST, A.WAITING),
    "queue": (AT_REST, A.QUEUED),
    "start": (frozenset({A.QUEUED, A.PUBLISHING}), A.PUBLISHING),
    "finish": (frozenset({A.PUBLISHING}), A.PUBLISHED),
    "fail": (frozenset({A.PUBLISHING}), A.FAILED),
    "retry_later": (frozenset({A.PUBLISHING}), A.RETRYING),
    "resume": (frozenset({A.RETRYING}), A.QUEUED),
    "drop": (frozenset({A.RETRYING}), A.FAILED),
}
ATTEMPT_MACHINE = StateMachine(
    PublishAttempt,
    ATTEMPT_TRANSITIONS,
    noun="publishing attempt",
    states=A,
    touches=("updated_at",),
    initial=frozenset({A.WAITING}),
    verb_prefix="publish_attempt.",
)
