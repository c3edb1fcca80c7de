"""What we sent to Scoro, what came back, and what is still owed.

One PublishAttempt per publishable thing (a document, or an expense report), kept for its whole life:
re-publishing after an edit reuses it, so its `reference` (the idempotency key written on the Scoro
document) and `scoro_id` never change once set.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models

from core.tenancy import CompanyOwned


class PublishAttempt(CompanyOwned):
    class Kind(models.TextChoices):
        BILL = "bill", "Scoro bill"
        EXPENSE = "expense", "Scoro expense"

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting (cannot be published yet)"
        QUEUED = "queued", "Queued"
        PUBLISHING = "publishing", "Publishing"
        PUBLISHED = "published", "Published"
        FAILED = "failed", "Failed"
        # A transient failure (Scoro down, rate limited, daily quota/budget used up) outlasted the task's
        # retries: the sweep (or the delayed task) re-queues it at `next_retry_at`. No person needed.
        RETRYING = "retrying", "Waiting to retry automatically"

    document = models.OneToOneField(
        "documents.Document", null=True, blank=True, on_delete=models.CASCADE, related_name="publish_attempt"
    )
    expense_report = models.OneToOneField(
        "documents.ExpenseReport",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="publish_attempt",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # "envoice-<company>-d<document>" / "-r<report>": written into the Scoro document's comment and used
    # to find it again after an answer was lost (see services.sending.find_published).
    reference = models.CharField(max_length=80, unique=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED, db_index=True)
    waiting_reason = models.CharField(max_length=255, blank=True)
    error = models.TextField(blank=True)
    scoro_id = models.BigIntegerField(null=True, blank=True)
    scoro_line_ids = models.JSONField(default=list, blank=True, help_text="Scoro line ids by position")
    # Which version of the document/report was queued and which one Scoro has.
    queued_version = models.PositiveIntegerField(default=1)
    published_version = models.PositiveIntegerField(null=True, blank=True)
    request_summary = models.JSONField(default=dict, blank=True)
    payload = models.JSONField(default=dict, blank=True, help_text="The last request body sent")
    response = models.JSONField(default=dict, blank=True, help_text="Key fields of Scoro's saved document")
    mismatches = models.JSONField(default=list, blank=True, help_text="Sent vs. saved differences")
    drift = models.JSONField(default=list, blank=True, help_text="Changed or deleted in Scoro since")
    drift_checked_at = models.DateTimeField(null=True, blank=True)
    files = models.JSONField(default=dict, blank=True, help_text="attachment key -> Scoro file_id")
    api_calls = models.PositiveIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0, help_text="Worker runs")
    next_retry_at = models.DateTimeField(
        null=True, blank=True, help_text="When a transient failure is retried automatically"
    )
    resumes = models.PositiveIntegerField(
        default=0, help_text="Automatic retries after transient failures since the last request or success"
    )
    warnings = models.JSONField(
        default=list, blank=True, help_text="What the mapping adjusted (e.g. a line price from its total)"
    )
    # Set just before a create is sent and cleared once its answer is stored: while set, the outcome of a
    # create is unknown and Scoro must be searched for `reference` before anything is created again.
    create_sent_at = models.DateTimeField(null=True, blank=True)
    # Which worker run owns the attempt, and until when (renewed before every Scoro call). A worker that
    # dies keeps it until `lease_until`, which is longer than any single call can take: when the next
    # run takes over, whatever the dead one sent has either landed in Scoro or never will.
    lease_owner = models.CharField(max_length=40, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(document__isnull=False, expense_report__isnull=True)
                | models.Q(document__isnull=True, expense_report__isnull=False),
                name="publish_attempt_one_target",
            ),
        ]
        indexes = [
            models.Index(fields=["company", "status"]),
            models.Index(
                fields=["next_retry_at"],
                name="publish_attempt_retry_due",
                condition=models.Q(status="retrying"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.status})"

    @property
    def target(self):
        return self.document if self.document_id else self.expense_report

    @property
    def scoro_module(self) -> str:
        return "bills" if self.kind == self.Kind.BILL else "expenses"

    @property
    def needs_attention(self) -> bool:
        return bool(self.mismatches or self.drift)

    @staticmethod
    def reference_for(
        *, company_id: int, document_id: int | None = None, report_id: int | None = None
    ) -> str:
        return f"envoice-{company_id}-d{document_id}" if document_id else f"envoice-{company_id}-r{report_id}"


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"attachments/{instance.company_id}/{instance.sha256[:2]}/{instance.sha256}.{ext}"


class Attachment(CompanyOwned):
    """An extra file that belongs with a document (delivery note, timesheet, contract) besides its original.

    Published to the Scoro document's Files only with "Publish all attachments" on.
    """

    document = models.ForeignKey(
        "documents.Document", on_delete=models.CASCADE, related_name="extra_attachments"
    )
    file = models.FileField(upload_to=attachment_upload_to, max_length=255)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.filename

    @staticmethod
    def digest(content: bytes) -> str:
        return hashlib.sha256(content).hexdigest()
