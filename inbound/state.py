"""The life of an inbound message as a state machine (audit/transitions.py).

A message is logged refused ("rejected", reason "processing") before anything else is done, so a replay of
its token is refused even while the first delivery is processed; it becomes accepted once its documents are
stored. A refused message stays as it was logged (with no company it could have no audit row), so its only
move is `accept`.
"""

from __future__ import annotations

from audit.transitions import StateMachine
from inbound.models import InboundMessage

M = InboundMessage.Status

# event -> (allowed source states, target state)
INBOUND_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "accept": (frozenset({M.REJECTED}), M.ACCEPTED),
}
INBOUND_MACHINE = StateMachine(
    InboundMessage,
    INBOUND_TRANSITIONS,
    noun="inbound message",
    states=M,
    initial=frozenset({M.REJECTED}),
    verb_prefix="inbound_message.",
)
