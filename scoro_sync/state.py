"""The lives of a sync run and of the Scoro connection as state machines (audit/transitions.py).

A run is created running and ends succeeded or failed (Scoro errors after the task's retries, the
connection deactivated, the queue unavailable). The demo's connect step may run a failed run again.
A connection starts not connected; checked credentials activate it (again, after a deactivation), picking
the data owner connects it, and deactivating it forgets the key. Only scoro_sync moves them.
"""

from __future__ import annotations

from audit.transitions import StateMachine
from scoro_sync.models import ScoroConnection, SyncRun

R = SyncRun.Status

# event -> (allowed source states, target state)
SYNC_RUN_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "succeed": (frozenset({R.RUNNING}), R.SUCCEEDED),
    "fail": (frozenset({R.RUNNING}), R.FAILED),
    "rerun": (frozenset({R.FAILED}), R.RUNNING),
}
SYNC_RUN_MACHINE = StateMachine(
    SyncRun,
    SYNC_RUN_TRANSITIONS,
    noun="sync run",
    states=R,
    initial=frozenset({R.RUNNING}),
    verb_prefix="sync_run.",
)

C = ScoroConnection.State

CONNECTION_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "activate": (frozenset({C.NOT_CONNECTED, C.ACTIVATED, C.DEACTIVATED}), C.ACTIVATED),
    "connect": (frozenset({C.ACTIVATED}), C.CONNECTED),
    "deactivate": (frozenset({C.ACTIVATED, C.CONNECTED}), C.DEACTIVATED),
}
CONNECTION_MACHINE = StateMachine(
    ScoroConnection,
    CONNECTION_TRANSITIONS,
    noun="Scoro connection",
    field="state",
    states=C,
    initial=frozenset({C.NOT_CONNECTED}),
    # The verbs these moves were recorded with before the machine.
    verbs=(
        ("activate", "scoro.activated"),
        ("connect", "scoro.connected"),
        ("deactivate", "scoro.deactivated"),
    ),
)
