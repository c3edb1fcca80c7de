"""Creating or updating the Scoro document, with reconcile-before-create after a lost answer."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from audit.services import audit_record
from publishing import mapping
from publishing.models import PublishAttempt
from publishing.services.base import WORKER, PublishBlocked, logger
from scoro_sync.client import ScoroClient
from scoro_sync.errors import ScoroError, ScoroNotFound, ScoroUnavailable


# --------------------------------------------------------------------------------------------- create / update
def find_published(
    client: ScoroClient, attempt: PublishAttempt, sent: dict[str, Any]
) -> dict[str, Any] | None:
    """The Scoro document carrying our reference, or None. Narrowed by documented filters (date, and the
    supplier for bills), then matched on the reference marker in the comment."""
    day = sent.get("date")
    flt: dict[str, Any] = {"date": {"from_date": day, "to_date": day}} if day else {}
    text_key = "description"
    if attempt.kind == PublishAttempt.Kind.BILL:
        if sent.get("company_id"):
            flt["company_id"] = sent["company_id"]
    else:
        text_key = "comment"
    for row in client.list(attempt.scoro_module, filter=flt):
        if not row.get("is_deleted") and mapping.has_marker(row.get(text_key), attempt.reference):
            return row
    return None


def create_or_update(
    attempt: PublishAttempt, *, client: ScoroClient, payload: dict[str, Any]
) -> dict[str, Any]:
    module = attempt.scoro_module
    if attempt.scoro_id:
        try:
            return client.update(module, int(attempt.scoro_id), payload)
        except ScoroNotFound:
            attempt.drift = [f"Deleted in Scoro ({module} {attempt.scoro_id})"]
            attempt.save(update_fields=["drift", "updated_at"])
            raise PublishBlocked(
                f"The Scoro {'bill' if module == 'bills' else 'expense'} {attempt.scoro_id} was deleted in "
                "Scoro. Envoice does not re-create it on its own: restore it in Scoro and retry."
            ) from None
    if attempt.create_sent_at is not None:
        # A previous run sent a create and never stored the answer: find it before creating anything.
        found = find_published(client, attempt, attempt.payload or payload)
        if found is not None:
            logger.info("Publishing %s: adopted Scoro %s %s", attempt.reference, module, found.get("id"))
            return _store_created(attempt, found, client=client, adopted=True)
    attempt.payload = payload
    attempt.create_sent_at = timezone.now()
    attempt.save(update_fields=["payload", "create_sent_at", "updated_at"])
    try:
        saved = client.create(module, payload, lookup=lambda: find_published(client, attempt, payload))
    except ScoroError as exc:
        if not (isinstance(exc, ScoroUnavailable) and exc.ambiguous):
            # Scoro answered (or was never reached): the create did not happen.
            attempt.create_sent_at = None
            attempt.save(update_fields=["create_sent_at", "updated_at"])
        raise
    return _store_created(attempt, saved, client=client, adopted=False)


def _store_created(
    attempt: PublishAttempt, saved: dict[str, Any], *, client: ScoroClient, adopted: bool
) -> dict[str, Any]:
    scoro_id = int(saved["id"])
    # Write the id first, on its own: from here on, a re-run updates instead of creating.
    attempt.scoro_id = scoro_id
    attempt.create_sent_at = None
    attempt.save(update_fields=["scoro_id", "create_sent_at", "updated_at"])
    if saved.get("lines") is None:
        # Found through a list (lines are null there) after a lost answer: read it once.
        saved = client.view(attempt.scoro_module, scoro_id)
    if adopted:
        audit_record(
            target=attempt.target,
            verb="publish.adopted",
            actor_label=WORKER,
            message=f"Found the {attempt.get_kind_display()} {scoro_id} in Scoro by its reference; not created again.",
            data={"reference": attempt.reference, "scoro_id": scoro_id},
        )
    return saved
