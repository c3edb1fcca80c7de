"""The life of a sync run as a state machine (audit/transitions.py).

A run is created running and ends succeeded or failed (Scoro errors after the task's retries, the
connection deactivated, the queue unavailable). The demo's connect step may run a failed run again.
Only scoro_sync's services, sync and tasks move it.
"""

from __future__ import annotations

from audit.transitions import StateMachine
from scoro_sync.models import SyncRun

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
