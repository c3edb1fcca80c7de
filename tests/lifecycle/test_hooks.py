"""Every fact a lower app announces has exactly one answer, and the lifecycle gives every answer about
documents and reports (so it alone knows what follows what)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from core import hooks
from core.hooks import Happened, announce, answers


def test_every_fact_is_answered_and_documents_and_reports_by_the_lifecycle():
    answered = hooks._answers
    assert set(answered) == set(Happened)
    for fact, answer in answered.items():
        expected = "scoro_sync.contacts" if fact == Happened.CONTACT_CHANGED else "lifecycle.reactions"
        assert answer.__module__ == expected, fact


def test_a_second_answer_to_the_same_fact_is_refused():
    with pytest.raises(ImproperlyConfigured, match="already answered"):
        answers(Happened.DOCUMENT_READY)(lambda **_: None)


def test_an_unanswered_fact_is_a_configuration_error(monkeypatch):
    monkeypatch.delitem(hooks._answers, Happened.DOCUMENT_READY)
    with pytest.raises(ImproperlyConfigured, match="Nothing answers"):
        announce(Happened.DOCUMENT_READY, document=None)
