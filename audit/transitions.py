"""State machines: every status change through a transition table, with its audit row.

A machine names, for each event, the states it may start from and the state it leads to. `fire` locks
the row, refuses a move the table does not allow (InvalidTransition, nothing written), saves the new
status with `update_fields` and writes the audit row (verb = `verb_prefix` + the event) in the same
transaction. `fire_many` moves every row of a queryset that is in a source state (e.g. cancelling the
open steps of an approval), one audit row each. `initial` names the states a row may be created in;
tests/test_status_writes.py fails on any other status write outside the apps' `state.py` modules.

The machines: documents/state.py (documents, expense reports), approvals/state.py (approval requests and
their steps), publishing/state.py (publish attempts), scoro_sync/state.py (sync runs and the Scoro
connection), inbound/state.py
(inbound messages), bookkeeping/state.py (suppliers' bank accounts). tests/audit/test_state_machines.py walks every event from every state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

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
    initial: frozenset[str] = frozenset()  # the states a row may be created in
    # Audit verbs are global: a machine whose events would read ambiguously in a mixed list prefixes them
    # ("publish_attempt.start"); the documents' events are the verbs themselves.
    verb_prefix: str = ""
    # Events whose verb was recorded under another name before the machine existed (history keeps reading).
    verbs: tuple[tuple[str, str], ...] = ()  # (event, verb) pairs

    def verb(self, event: str) -> str:
        return dict(self.verbs).get(event, f"{self.verb_prefix}{event}")

    def can(self, obj: models.Model, event: str) -> bool:
        sources, _ = self.transitions[event]
        return getattr(obj, self.field) in sources

    def _refusal(self, obj: models.Model, event: str) -> InvalidTransition:
        label = getattr(obj, f"get_{self.field}_display")().lower()
        article = "an" if self.noun[:1] in "aeiou" else "a"
        return InvalidTransition(f"Cannot {event.replace('_', ' ')} {article} {self.noun} that is {label}.")

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
            locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
            from_state = getattr(locked, self.field)
            if from_state not in sources:
                raise self._refusal(locked, event)
            setattr(locked, self.field, target)
            for name, value in (also or {}).items():
                setattr(locked, name, value)
            locked.save(update_fields=[self.field, *(also or {}), *self.touches])
            for name in (self.field, *(also or {}), *self.touches):
                setattr(obj, name, getattr(locked, name))
            audit_record(
                target=locked,
                verb=self.verb(event),
                actor=actor,
                actor_label=actor_label,
                from_state=from_state,
                to_state=target,
                message=message,
                data=data,
            )
        return obj

    def fire_many(
        self,
        queryset: models.QuerySet,
        event: str,
        *,
        actor=None,
        actor_label: str = "",
        message: str = "",
        data: dict[str, Any] | None = None,
        also: dict[str, Any] | None = None,
    ) -> int:
        """Move every row of `queryset` that is in a source state of `event` (the others are left as they
        are), one audit row each, in one transaction. Rows are locked in primary-key order. Returns how
        many moved."""
        sources, target = self.transitions[event]
        with transaction.atomic():
            rows = list(
                queryset.select_for_update(of=("self",))
                .filter(**{f"{self.field}__in": sources})
                .order_by("pk")
            )
            if not rows:
                return 0
            changes = {self.field: target, **(also or {})}
            changes.update({name: timezone.now() for name in self.touches if name not in changes})
            self.model._default_manager.filter(pk__in=[row.pk for row in rows]).update(**changes)
            for row in rows:
                from_state = getattr(row, self.field)
                for name, value in changes.items():
                    setattr(row, name, value)
                audit_record(
                    target=row,
                    verb=self.verb(event),
                    actor=actor,
                    actor_label=actor_label,
                    from_state=from_state,
                    to_state=target,
                    message=message,
                    data=data,
                )
        return len(rows)
