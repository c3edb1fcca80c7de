"""Every state machine, walked: each event from each state either moves the object to the event's target
with one audit row (same transaction), or is refused with nothing written. A bulk move (fire_many) moves
only the rows in a source state, one audit row each. Staff cannot edit a status in the admin."""

from __future__ import annotations

import itertools

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType

from approvals.models import ApprovalRequest, ApprovalRequestStep
from approvals.state import REQUEST_MACHINE, STEP_MACHINE
from audit.models import AuditEvent
from bookkeeping.models import ContactBankAccount
from bookkeeping.state import BANK_ACCOUNT_MACHINE
from core.errors import InvalidTransition
from documents.models import ExpenseReport
from documents.state import DOCUMENT_MACHINE, REPORT_MACHINE
from inbound.models import InboundMessage
from inbound.state import INBOUND_MACHINE
from publishing.models import PublishAttempt
from publishing.state import ATTEMPT_MACHINE
from scoro_sync.models import ScoroConnection, SyncRun
from scoro_sync.state import CONNECTION_MACHINE, SYNC_RUN_MACHINE
from tests.factories import CompanyFactory, ContactFactory, DocumentFactory, MembershipFactory
from tests.test_status_writes import machines

pytestmark = pytest.mark.django_db
_seq = itertools.count(1)


def _document(company, status):
    return DocumentFactory(company=company, status=status)


def _report(company, status):
    employee = MembershipFactory(company=company, role="employee").user
    return ExpenseReport.objects.create(company=company, title="Trip", employee=employee, status=status)


def _request(company, status):
    # One pending request per document (a constraint): each request gets its own document.
    return ApprovalRequest.objects.create(
        company=company, document=_document(company, "in_approval"), status=status
    )


def _step(company, status):
    request = _request(company, "pending")
    return ApprovalRequestStep.objects.create(request=request, position=0, label="Step", status=status)


def _attempt(company, status):
    document = _document(company, "ready")
    return PublishAttempt.objects.create(
        company=company,
        document=document,
        kind=PublishAttempt.Kind.BILL,
        reference=PublishAttempt.reference_for(company_id=company.pk, document_id=document.pk),
        status=status,
    )


def _sync_run(company, status):
    return SyncRun.objects.create(company=company, types=["contacts"], trigger="manual", status=status)


def _inbound(company, status):
    return InboundMessage.objects.create(
        token=f"walk-{next(_seq)}", company=company, sender="bills@supplier.test", status=status
    )


def _bank_account(company, status):
    contact = ContactFactory(company=company)
    return ContactBankAccount.objects.create(
        company=company, contact=contact, iban=f"EE{next(_seq):018d}", status=status
    )


def _connection(company, state):
    # One connection per company (a constraint): each gets its own company.
    return ScoroConnection.objects.create(company=CompanyFactory(), state=state)


CASES = [
    pytest.param(DOCUMENT_MACHINE, _document, id="document"),
    pytest.param(REPORT_MACHINE, _report, id="expense report"),
    pytest.param(REQUEST_MACHINE, _request, id="approval request"),
    pytest.param(STEP_MACHINE, _step, id="approval step"),
    pytest.param(ATTEMPT_MACHINE, _attempt, id="publish attempt"),
    pytest.param(SYNC_RUN_MACHINE, _sync_run, id="sync run"),
    pytest.param(INBOUND_MACHINE, _inbound, id="inbound message"),
    pytest.param(BANK_ACCOUNT_MACHINE, _bank_account, id="bank account"),
    pytest.param(CONNECTION_MACHINE, _connection, id="scoro connection"),
]


def _trail(obj, verb):
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(obj), target_id=obj.pk, verb=verb
    )


def test_every_machine_is_walked():
    assert {id(m) for m in machines()} == {id(case.values[0]) for case in CASES}


@pytest.mark.parametrize(("machine", "build"), CASES)
def test_every_event_from_every_state(machine, build, company, accountant):
    moves = refusals = 0
    for event, (sources, target) in machine.transitions.items():
        for state in machine.states.values:
            obj = build(company, state)
            trail = _trail(obj, machine.verb(event))
            if state in sources:
                machine.fire(obj, event, actor=accountant, message="walk")
                assert getattr(obj, machine.field) == target, (event, state)  # the caller's copy too
                obj.refresh_from_db()
                assert getattr(obj, machine.field) == target, (event, state)
                row = trail.get()
                assert (row.from_state, row.to_state, row.actor) == (state, target, accountant)
                assert row.company_id == obj.company_id and row.verb_label != row.verb
                moves += 1
            else:
                with pytest.raises(InvalidTransition, match=f"Cannot {event.replace('_', ' ')}"):
                    machine.fire(obj, event, actor=accountant)
                obj.refresh_from_db()
                assert getattr(obj, machine.field) == state and not trail.exists(), (event, state)
                refusals += 1
    assert moves >= len(machine.transitions) and refusals > 0


@pytest.mark.parametrize(("machine", "build"), CASES)
def test_fire_many_moves_only_the_rows_in_a_source_state(machine, build, company, accountant):
    event, (sources, target) = next(iter(machine.transitions.items()))
    inside = [build(company, state) for state in sorted(sources)]
    outside = [build(company, state) for state in machine.states.values if state not in sources]
    model = type(inside[0])
    rows = model._default_manager.filter(pk__in=[o.pk for o in inside + outside])
    assert machine.fire_many(rows, event, actor=accountant) == len(inside)
    for obj in inside:
        obj.refresh_from_db()
        assert getattr(obj, machine.field) == target and _trail(obj, machine.verb(event)).count() == 1
    for obj in outside:
        before = getattr(obj, machine.field)
        obj.refresh_from_db()
        assert getattr(obj, machine.field) == before and not _trail(obj, machine.verb(event)).exists()
    assert machine.fire_many(model._default_manager.none(), event) == 0


def test_every_target_is_a_known_state_and_every_state_is_reachable_or_initial():
    for machine in machines():
        states = set(machine.states.values)
        targets = {target for _sources, target in machine.transitions.values()}
        sources = {s for srcs, _target in machine.transitions.values() for s in srcs}
        assert targets <= states and sources <= states, machine.noun
        assert machine.initial and machine.initial <= states, machine.noun
        unreachable = states - targets - machine.initial
        assert unreachable <= states - sources, f"{machine.noun}: {unreachable} can be left but not entered"


def test_a_refusal_names_the_object_in_words(company):
    attempt = _attempt(company, PublishAttempt.Status.PUBLISHED)
    with pytest.raises(InvalidTransition) as refused:
        ATTEMPT_MACHINE.fire(attempt, "start")
    assert refused.value.message == "Cannot start a publishing attempt that is published."
    with pytest.raises(InvalidTransition) as refused:
        INBOUND_MACHINE.fire(_inbound(company, "accepted"), "accept")
    assert refused.value.message == "Cannot accept an inbound message that is accepted."


@pytest.mark.parametrize("machine", machines(), ids=lambda m: m.noun)
def test_the_admin_shows_the_status_read_only(machine, rf, admin_user):
    """A model with a machine, where the admin shows it (as a page or an inline), has its status read-only
    and no bulk action besides delete."""
    request = rf.get("/")
    request.user = admin_user
    model_admin = admin.site._registry.get(machine.model)
    shown = [model_admin] if model_admin else []
    for registered in admin.site._registry.values():
        shown += [
            inline(registered.model, admin.site)
            for inline in registered.inlines
            if inline.model is machine.model
        ]
    for shown_admin in shown:
        assert machine.field in shown_admin.get_readonly_fields(request), shown_admin
        assert machine.field not in (getattr(shown_admin, "list_editable", ()) or ())
    if model_admin is not None:
        assert set(model_admin.get_actions(request)) <= {"delete_selected"}


def test_the_documents_and_the_inbound_log_are_in_the_admin():
    for model in (DOCUMENT_MACHINE.model, REPORT_MACHINE.model, InboundMessage):
        assert model in admin.site._registry
