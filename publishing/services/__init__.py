"""Publishing documents and expense reports to Scoro.

By concern: `queueing` (who may publish, automatic publishing, the sweep), `run` (the worker's leased run
and its outcome), `payload` (the request body and the supplier), `sending` (create/update with
reconcile-before-create), `attachments` (Scoro Files), `reconciliation` (drift). This package exposes the
public API; callers import from `publishing.services`.

Exactly once, and how:
- One PublishAttempt per document/report with a unique `reference` that is also written into the Scoro
  document's comment. Queueing twice (double click, automatic + manual) finds the document already
  queued and returns the same attempt.
- A worker run first takes the attempt's lease (a conditional UPDATE; two workers cannot both win) and
  renews it before every Scoro call; a run that lost its lease stops before sending anything.
- `create_sent_at` is committed *before* a create is sent and cleared when Scoro's answer is stored.
  A run that finds it set (the previous one died or lost the answer) searches Scoro for the reference
  first and adopts what it finds; it creates only when Scoro provably has nothing.
- Once `scoro_id` is known, publishing again (after an edit) updates that Scoro document. Nothing here
  ever deletes in Scoro; a document deleted there fails with a message instead of being re-created.

Retries: the client retries 429 (after the window resets) and 5xx/timeouts (backoff with jitter); when
those are exhausted the task retries with its own backoff + jitter. When the task's retries are exhausted
too and the cause is still transient (Scoro unavailable, rate limited, daily quota or our call budget used
up), the attempt waits as "retrying" with `next_retry_at` (5 min doubling to 1 h; the quota's reset when
later) and is resumed then by a delayed task and, should that message be lost, by `publish_sweep`: one
run per resume, under the same lease and reconcile-before-create rules, so an outage of any length ends
in exactly one Scoro document without anybody pressing Retry. Validation errors fail at once with Scoro's
message and wait for a person.
"""

from publishing.services.attachments import attachment_add, attachments_for_preview
from publishing.services.base import (
    IN_FLIGHT,
    A,
    LeaseLost,
    Outcome,
    PublishBlocked,
    connection_for,
    enqueue,
    lease_seconds,
    resume_delay,
    retry_countdown,
)
from publishing.services.payload import build_payload_preview
from publishing.services.queueing import (
    automatic_blocker,
    manual_blocker,
    publish_document,
    publish_documents,
    publish_expense_report,
    publish_expense_report_if_automatic,
    publish_if_automatic,
    publish_retry,
    publish_sweep,
    report_manual_blocker,
)
from publishing.services.reconciliation import reconcile_published
from publishing.services.run import attempt_run, is_transient, lease_remaining
from publishing.services.sending import find_published

__all__ = [
    "IN_FLIGHT",
    "A",
    "LeaseLost",
    "Outcome",
    "PublishBlocked",
    "attachment_add",
    "attachments_for_preview",
    "attempt_run",
    "automatic_blocker",
    "build_payload_preview",
    "connection_for",
    "enqueue",
    "find_published",
    "is_transient",
    "lease_remaining",
    "lease_seconds",
    "manual_blocker",
    "publish_document",
    "publish_documents",
    "publish_expense_report",
    "publish_expense_report_if_automatic",
    "publish_if_automatic",
    "publish_retry",
    "publish_sweep",
    "reconcile_published",
    "report_manual_blocker",
    "resume_delay",
    "retry_countdown",
]
