"""One way to change a status: through a state machine (audit/transitions.py), computed from the code (ast).

Outside the apps' `state.py` modules no code assigns a machine's field (`x.status = …`, tuple targets,
`setattr(x, "status", …)`), passes it to a queryset's `update()` / `bulk_update()`, or creates a row of a
machine in a state other than the machine's initial ones (`create(status=…)`, `get_or_create(defaults=…)`,
`Document(status=…)`). Migrations, tests, benchmarks and the Scoro sandbox (which simulates
Scoro itself) are left out. `Response(status=400)`, `render(..., status=…)` and filters are not writes.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from audit.choices import AuditVerb
from audit.transitions import StateMachine

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", "tests", "migrations", "benchmarks", "scoro_sandbox", "node_modules", "static"}
CREATES = {"create", "get_or_create", "update_or_create", "acreate", "aget_or_create", "aupdate_or_create"}
UPDATES = {"update", "aupdate"}


def machines() -> list[StateMachine]:
    found = []
    for path in sorted(ROOT.glob("*/state.py")):
        if path.parent.name in SKIP:  # scoro_sandbox/state.py is the fake Scoro's store, not a machine
            continue
        module = importlib.import_module(f"{path.parent.name}.state")
        found += [value for value in vars(module).values() if isinstance(value, StateMachine)]
    return found


class Rules:
    def __init__(self, machines: list[StateMachine]):
        self.fields = {m.field for m in machines}
        self.models = {m.model.__name__ for m in machines}
        self.initial = {state for m in machines for state in m.initial}

    def is_initial(self, value: ast.expr) -> bool:
        """`S.RECEIVED`, `InboundMessage.Status.REJECTED` or "received" naming an initial state."""
        if isinstance(value, ast.Constant):
            return value.value in self.initial
        return isinstance(value, ast.Attribute) and value.attr.lower() in self.initial


def _name(func: ast.expr) -> str:
    return getattr(func, "attr", getattr(func, "id", ""))


def _dict_items(node: ast.expr) -> Iterator[tuple[str, ast.expr]]:
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                yield key.value, value


def status_writes(source: str, rules: Rules) -> Iterator[tuple[int, str]]:
    """(line, what) for every write of a machine field in `source`."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for element in target.elts if isinstance(target, ast.Tuple | ast.List) else [target]:
                    if isinstance(element, ast.Attribute) and element.attr in rules.fields:
                        yield node.lineno, f"assigns .{element.attr}"
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        keywords = [(kw.arg, kw.value) for kw in node.keywords if kw.arg]
        for kw in node.keywords:
            if kw.arg is None:  # **{"status": …}
                keywords += list(_dict_items(kw.value))
        if name == "setattr" and len(node.args) >= 2:
            field = node.args[1]
            if isinstance(field, ast.Constant) and field.value in rules.fields:
                yield node.lineno, f"setattr(…, {field.value!r})"
        elif name in UPDATES and isinstance(node.func, ast.Attribute):
            for arg, _value in keywords:
                if arg in rules.fields:
                    yield node.lineno, f".{name}({arg}=…)"
        elif name == "bulk_update":
            fields = node.args[1] if len(node.args) > 1 else dict(keywords).get("fields")
            named = {c.value for c in ast.walk(fields) if isinstance(c, ast.Constant)} if fields else set()
            if named & rules.fields:
                yield node.lineno, f"bulk_update({sorted(named & rules.fields)})"
        elif name in CREATES or name in rules.models:
            given = list(keywords)
            for arg, value in keywords:
                if arg in {"defaults", "create_defaults"}:
                    given += list(_dict_items(value))
            for arg, value in given:
                if arg in rules.fields and not rules.is_initial(value):
                    yield node.lineno, f"{name}({arg}=<not an initial state>)"


def _sources() -> Iterator[Path]:
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if SKIP & set(parts) or len(parts) < 2 or parts[-1] == "state.py":
            continue
        yield path


@pytest.fixture(scope="module")
def rules() -> Rules:
    return Rules(machines())


def test_the_machines_are_found(rules):
    names = {(m.model.__name__, m.noun) for m in machines()}
    assert {
        "Document",
        "ExpenseReport",
        "ApprovalRequest",
        "ApprovalRequestStep",
        "PublishAttempt",
        "SyncRun",
        "InboundMessage",
        "ContactBankAccount",
        "ScoroConnection",
    } <= {model for model, _noun in names}
    assert {"status", "state"} <= rules.fields and {"received", "waiting", "running"} <= rules.initial


def test_no_status_write_outside_the_state_machines(rules):
    found = {
        f"{path.relative_to(ROOT)}:{line}": what
        for path in _sources()
        for line, what in status_writes(path.read_text(), rules)
    }
    assert found == {}, "move these status writes into a machine (<app>/state.py)"


SHOULD_FAIL = [
    "attempt.status = A.QUEUED",
    "attempt.status, attempt.reason = A.WAITING, r",
    "run.status: str = 'failed'",
    "setattr(step, 'status', 'cancelled')",
    "request.steps.filter(status=S.WAITING).update(status=S.CANCELLED)",
    "SyncRun.objects.filter(pk=1).update(**{'status': 'failed'})",
    "PublishAttempt.objects.bulk_update(rows, ['status', 'error'])",
    "Document.objects.create(company=c, status=DocumentStatus.READY)",
    "PublishAttempt.objects.get_or_create(document=d, defaults={'status': A.QUEUED})",
    "ApprovalRequest(company=c, status=RequestStatus.APPROVED)",
]
SHOULD_PASS = [
    "return Response(body, status=400)",
    "return render(request, 'x.html', context, status=status)",
    "JsonResponse({'ok': 1}, status=201)",
    "Document.objects.filter(status=S.READY).update(updated_at=now)",
    "Q(status=StepStatus.PENDING, approvers=user)",
    "Count('id', filter=Q(status=s))",
    "Document.objects.create(company=c, status=DocumentStatus.RECEIVED)",
    "PublishAttempt.objects.get_or_create(document=d, defaults={'status': A.WAITING})",
    "InboundMessage.objects.create(token=t, status=InboundMessage.Status.REJECTED)",
    "metrics.SYNC_SECONDS.observe(1.0, status=run.status)",
    "x = run.status",
]


@pytest.mark.parametrize("source", SHOULD_FAIL)
def test_the_scan_catches_a_status_write(source, rules):
    assert list(status_writes(source, rules)), source


@pytest.mark.parametrize("source", SHOULD_PASS)
def test_the_scan_leaves_other_status_words_alone(source, rules):
    assert list(status_writes(source, rules)) == [], source


def test_every_machine_event_is_an_audit_verb_with_words():
    for machine in machines():
        for event in machine.transitions:
            verb = machine.verb(event)
            assert verb in AuditVerb.values, f"add {verb!r} to audit/choices.py AuditVerb"
        assert machine.initial, f"{machine.noun}: name the states a row is created in"
        assert machine.initial <= set(machine.states.values)
