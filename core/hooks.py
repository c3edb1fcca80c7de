"""What happens in a lower app that an app above must act on, without the lower app importing it.

An app announces a fact (`announce(Happened.DOCUMENT_RECORDED, document=…, actor=…)`); exactly one app
above answers it, registered when Django starts (`answers(Happened.X)` in that app's `AppConfig.ready`).
The lifecycle (lifecycle/reactions.py) answers every fact about a document or an expense report, so it
is the only place that knows what follows what; scoro_sync answers contact changes.

Answers run synchronously, in the caller's transaction, and their return value is the caller's: an
announcement is a call whose callee is chosen by the layers, not a broadcast.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from django.core.exceptions import ImproperlyConfigured


class Happened(StrEnum):
    COMPANY_CREATED = "company_created"  # company=
    CONTACT_CHANGED = "contact_changed"  # contact_id= (a local write Scoro should learn about)
    DOCUMENT_RECEIVED = "document_received"  # document= (stored by intake; not read yet)
    DOCUMENT_REQUEUED = "document_requeued"  # document= (stuck or retried: read it again)
    DOCUMENT_EXTRACTED = "document_extracted"  # document= (extraction stored its values)
    FIELDS_CORRECTED = "fields_corrected"  # document=, fields={name: value}, actor=
    CODING_CHANGED = "coding_changed"  # document=, actor= (its coding or lines changed)
    DOCUMENT_RECORDED = "document_recorded"  # document=, actor=, recorded= → "in_approval" | "ready"
    DOCUMENT_READY = "document_ready"  # document= (approved, or recorded with no approval)
    BANK_ACCOUNT_CONFIRMED = "bank_account_confirmed"  # document=, iban= (a second admin confirmed it)
    REPORT_SUBMITTED = "report_submitted"  # report=, actor= → True when it went to approval
    REPORT_CONFIRMED = "report_confirmed"  # report= (approved or confirmed: publishable)


_answers: dict[Happened, Callable[..., Any]] = {}


def answers(fact: Happened) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the one answer to `fact` (a decorator)."""

    def register(answer: Callable[..., Any]) -> Callable[..., Any]:
        known = _answers.get(fact)
        if known is not None and known is not answer:
            raise ImproperlyConfigured(
                f"{fact} is already answered by {known.__module__}.{known.__qualname__}"
            )
        _answers[fact] = answer
        return answer

    return register


def announce(fact: Happened, **facts: Any) -> Any:
    try:
        answer = _answers[fact]
    except KeyError:
        raise ImproperlyConfigured(
            f"Nothing answers {fact}: is the app that does in INSTALLED_APPS?"
        ) from None
    return answer(**facts)
