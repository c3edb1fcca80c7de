"""Daily reconciliation: what we published against what Scoro has now (drift)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from audit.services import audit_record
from publishing import mapping
from publishing.models import PublishAttempt
from publishing.services.base import A
from scoro_sync.services import scoro_client_for


# --------------------------------------------------------------------------------------------- reconciliation
def reconcile_published(*, company) -> dict[str, int]:
    """Compare what we published with what Scoro has now; flag drift (changed or deleted there) for a person.

    Cheap: one paged list per module of what changed since the last check (deleted ones included), and a
    `view` only for documents whose modified_date moved, to compare their lines.
    """

    counts = {"checked": 0, "drifted": 0, "calls": 0}
    published = list(
        PublishAttempt.objects.for_company(company).filter(status=A.PUBLISHED, scoro_id__isnull=False)
    )
    if not published:
        return counts

    def observer(module: str, action: str) -> None:
        counts["calls"] += 1

    client = scoro_client_for(company=company, observer=observer)
    now = timezone.now()
    for module in ("bills", "expenses"):
        attempts = [a for a in published if a.scoro_module == module]
        if not attempts:
            continue
        checked = [a.drift_checked_at or a.published_at for a in attempts]
        since = min(c for c in checked if c) if all(checked) else None
        modified_since = (since - timedelta(days=1)).date() if since else None
        rows = {
            int(r["id"]): r for r in client.list(module, modified_since=modified_since, include_deleted=True)
        }
        for attempt in attempts:
            counts["checked"] += 1
            row = rows.get(int(attempt.scoro_id))
            if row is None and modified_since is None:
                drift = [f"Not found in Scoro ({module} {attempt.scoro_id}): deleted there"]
            elif row is None:
                drift = list(attempt.drift)  # unchanged since the last check
            elif row.get("is_deleted"):
                drift = [f"Deleted in Scoro on {row.get('deleted_date')}"]
            elif row.get("modified_date") == (attempt.response or {}).get("modified_date"):
                drift = []
            else:
                drift = mapping.drift_between(
                    attempt.response, client.view(module, int(attempt.scoro_id)), attempt.kind
                )
            _flag_drift(attempt, drift, now=now)
            counts["drifted"] += bool(drift)
    return counts


def _flag_drift(attempt: PublishAttempt, drift: list[str], *, now) -> None:
    new = drift and drift != attempt.drift
    attempt.drift = drift
    attempt.drift_checked_at = now
    attempt.save(update_fields=["drift", "drift_checked_at", "updated_at"])
    if new:
        audit_record(
            target=attempt.target,
            verb="publish.drift",
            actor_label="daily reconciliation",
            message="Changed in Scoro since it was published: " + "; ".join(drift),
            data={"drift": drift, "scoro_id": attempt.scoro_id},
        )
