"""Every message the inbound-mail webhook was given, accepted or not (the log of inbound mail)."""

from __future__ import annotations

from django.db import models

from core.tenancy import CompanyOwned


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
    # What the sender is told (inbound/replies.py): the refusal's stable code, notes for the reply (an
    # unrecognised project code, links not fetched), where a reply goes ("" = never answer this one)
    # and, once handled, when it was sent or why it was not.
    code = models.CharField(max_length=40, blank=True, help_text="Stable code of a refusal")
    notes = models.JSONField(default=list, blank=True, help_text="Remarks for the sender's reply")
    project = models.ForeignKey(
        "bookkeeping.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reply_to = models.CharField(max_length=320, blank=True)
    references = models.TextField(blank=True, help_text="The message's References header, for threading")
    replied_at = models.DateTimeField(null=True, blank=True)
    reply_note = models.CharField(max_length=200, blank=True, help_text="Why no reply was sent")

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.sender} → {self.recipient}: {self.subject} ({self.status})"


class SenderProject(CompanyOwned):
    """Mail from this sender (one address, or every address at a domain) is filed under `project`
    when the message names no project in its address (`+code`)."""

    sender = models.CharField(
        max_length=254, help_text="An e-mail address (ap@supplier.example) or a domain (@supplier.example)"
    )
    project = models.ForeignKey("bookkeeping.Project", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sender"]
        constraints = [
            models.UniqueConstraint(fields=["company", "sender"], name="unique_sender_project"),
        ]

    def __str__(self) -> str:
        return f"{self.sender} → {self.project}"


class InboundSettings(CompanyOwned):
    """Per-company choices for inbound mail that are not part of the forwarding address itself."""

    link_senders = models.TextField(
        blank=True,
        help_text="Senders whose invoice links (PDF/XML) are fetched: one address or @domain per line. "
        "Empty: links are never fetched.",
    )
    send_replies = models.BooleanField(
        default=True, help_text="Answer each forwarded message with a receipt or the reason it was refused."
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company"], name="unique_inbound_settings")]

    def __str__(self) -> str:
        return f"Inbound settings of company {self.company_id}"
