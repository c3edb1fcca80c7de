"""Every message the inbound-mail webhook was given, accepted or not (the log of inbound mail)."""

from __future__ import annotations

from django.db import models


class InboundMessage(models.Model):
    """One delivery from the mail provider.

    Not company-owned on purpose: mail to an unknown or rotated address is logged here with no
    company and is never attached to one. The provider's token is unique, so a replayed delivery
    is refused.
    """

    class Status(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    provider = models.CharField(max_length=20, default="mailgun")
    token = models.CharField(max_length=200, unique=True)
    company = models.ForeignKey(
        "accounts.Company", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipient = models.CharField(max_length=320, blank=True)
    sender = models.CharField(max_length=320, blank=True)
    subject = models.CharField(max_length=255, blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    reason = models.TextField(blank=True)
    attachment_count = models.PositiveIntegerField(default=0)
    document_ids = models.JSONField(default=list, blank=True)
    skipped = models.JSONField(default=list, blank=True, help_text="Attachments left out, with why")
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.sender} → {self.recipient}: {self.subject} ({self.status})"
