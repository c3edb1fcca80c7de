"""State machines: every status change through a transition table, with its audit row.

A machine names, for each event, the states it may start from and the state it leads to. `fire` locks
the row, refuses a move the table does not allow (InvalidTransition, nothing written), saves the new
status with `update_fields` and writes the audit row (verb = the event) in the same transaction.
documents/state.py holds the machines of documents and expense reports; tests/audit/test_state_machines.py
walks every event from every state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

from audit.services import audit_record
from core.errors import InvalidTransition


@dataclass(frozen=True)
class StateMachine:
    model: type[models.Model]
    # event -> (states it may start from, state it leads to)
    transitions: dict[str, tuple[frozenset[str], str]]
    noun: str  # "document", "expense report": how the refusal names what it refuses
    field: str = "status"
    states: type[models.TextChoices] | None = None
    touches: tuple[str, ...] = ()  # also saved on every move (e.g. "updated_at")

    def can(self, obj: models.Model, event: str) -> bool:
        sources, _ = self.transitions[event]
        return getattr(obj, self.field) in sources

    def fire(
        self,
        obj: models.Model,
        event: str,
        *,
        actor=None,
        actor_label: str = "",
        message: str = "",
        data: dict[str, Any] | None = None,
        also: dict[str, Any] | None = None,
    ) -> models.Model:
        """Move `obj` by `event`; `also` sets further fields in the same save (e.g. confirmed_at)."""
        sources, target = self.transitions[event]
        with transaction.atomic():
            locked = type(obj).objects.select_for_update().get(pk=obj.pk)
            from_state = getattr(locked, self.field)
            if from_state not in sources:
                label = getattr(locked, f"get_{self.field}_display")().lower()
                raise InvalidTransition(f"Cannot {event.replace('_', ' ')} a {self.noun} that is {label}.")
            setattr(locked, self.field, target)
            for name, value in (also or {}).items():
                setattr(locked, name, value)
            locked.save(update_fields=[self.field, *(also or {}), *self.touches])
            for name in (self.field, *(also or {})):
                setattr(obj, name, getattr(locked, name))
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
        return obj
