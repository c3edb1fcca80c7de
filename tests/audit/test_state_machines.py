"""Every state machine, walked: each event from each state either moves the object to the event's target
with one audit row (same transaction), or is refused with nothing written. Staff cannot edit a status in
the admin."""

from __future__ import annotations

import pytest
from django.contrib import admin

from audit.models import AuditEvent
from core.errors import InvalidTransition
from documents.models import Document, ExpenseReport
from documents.state import DOCUMENT_MACHINE, REPORT_MACHINE
from tests.factories import DocumentFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _document(company, status):
    return DocumentFactory(company=company, status=status)


def _report(company, status):
    employee = MembershipFactory(company=company, role="employee").user
    return ExpenseReport.objects.create(company=company, title="Trip", employee=employee, status=status)


CASES = [
    pytest.param(DOCUMENT_MACHINE, _document, id="document"),
    pytest.param(REPORT_MACHINE, _report, id="expense report"),
]


@pytest.mark.parametrize(("machine", "build"), CASES)
def test_every_event_from_every_state(machine, build, company, accountant):
    moves = refusals = 0
    for event, (sources, target) in machine.transitions.items():
        for state in machine.states.values:
            obj = build(company, state)
            trail = AuditEvent.objects.filter(target_id=obj.pk, verb=event)
            if state in sources:
                machine.fire(obj, event, actor=accountant, message="walk")
                obj.refresh_from_db()
                assert getattr(obj, machine.field) == target, (event, state)
                row = trail.get()
                assert (row.from_state, row.to_state, row.actor) == (state, target, accountant)
                moves += 1
            else:
                with pytest.raises(InvalidTransition, match=f"Cannot {event.replace('_', ' ')}"):
                    machine.fire(obj, event, actor=accountant)
                obj.refresh_from_db()
                assert getattr(obj, machine.field) == state and not trail.exists(), (event, state)
                refusals += 1
    assert moves >= len(machine.transitions) and refusals > moves


def test_every_target_is_a_known_state_and_every_state_is_reachable_or_initial():
    for machine, initial in ((DOCUMENT_MACHINE, {"received"}), (REPORT_MACHINE, {"draft"})):
        states = set(machine.states.values)
        targets = {target for _sources, target in machine.transitions.values()}
        sources = {s for srcs, _target in machine.transitions.values() for s in srcs}
        assert targets <= states and sources <= states
        assert states - targets <= initial | (states - sources - targets)


@pytest.mark.parametrize("model", [Document, ExpenseReport])
def test_the_admin_shows_the_status_read_only(model, rf, admin_user):
    model_admin = admin.site._registry[model]
    assert "status" in model_admin.get_readonly_fields(rf.get("/"))
