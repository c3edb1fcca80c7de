"""The audit trail speaks: every verb the code records is an AuditVerb with words, and histories show them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from audit.choices import AuditVerb, verb_label
from documents.state import TRANSITIONS

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "tests", "migrations", "benchmarks", "scoro_sandbox", "scripts", "node_modules"}


def _strings(node: ast.AST) -> set[str]:
    return {c.value for c in ast.walk(node) if isinstance(c, ast.Constant) and isinstance(c.value, str)}


def _recorded_verbs() -> dict[str, str]:
    """Verb literals given to audit_record(verb=…), AuditEvent(verb=…) or transition(obj, event), also
    through a local variable (`verb = "a" if … else "b"` … `verb=verb`)."""
    found: dict[str, str] = {}
    for path in ROOT.rglob("*.py"):
        if SKIP & set(path.relative_to(ROOT).parts):
            continue
        tree = ast.parse(path.read_text())
        for function in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]:
            assigned: dict[str, set[str]] = {}
            for node in ast.walk(function):
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            assigned.setdefault(target.id, set()).update(_strings(node.value))
            for node in ast.walk(function):
                if not isinstance(node, ast.Call):
                    continue
                given = [kw.value for kw in node.keywords if kw.arg == "verb"]
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name == "transition" and len(node.args) >= 2:
                    given.append(node.args[1])
                for value in given:
                    literals = (
                        assigned.get(value.id, set()) if isinstance(value, ast.Name) else _strings(value)
                    )
                    for literal in literals:
                        found.setdefault(literal, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_recorded_verb_is_an_audit_verb():
    found = _recorded_verbs()
    assert len(found) > 40  # the scan still sees how the code records verbs
    unknown = {verb: where for verb, where in found.items() if verb not in AuditVerb.values}
    assert unknown == {}, "add these to audit/choices.py AuditVerb"


def test_every_document_event_is_an_audit_verb_with_words():
    assert set(TRANSITIONS) <= set(AuditVerb.values)
    assert AuditVerb.FINISH_EXTRACTION.label == "Extraction finished"
    for verb in AuditVerb:
        assert verb.label != verb.value and verb.label[0].isupper(), verb


def test_a_verb_recorded_before_it_was_listed_still_reads_as_words():
    assert verb_label("some_old.verb") == "Some old verb"


@pytest.mark.django_db
def test_the_review_history_shows_the_words_not_the_code(client, company, accountant):
    from documents.state import transition
    from tests.factories import make_document

    document = make_document(company, status="received")
    transition(document, "start_extraction", actor_label="worker")
    transition(document, "finish_extraction", actor_label="worker")
    client.force_login(accountant)
    page = client.get(f"/documents/{document.pk}/").content.decode()
    trail = page[page.index('data-testid="trail"') :]
    assert "Extraction started" in trail and "Extraction finished" in trail
    assert "finish_extraction" not in trail
