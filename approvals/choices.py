from django.db import models


class StepRule(models.TextChoices):
    ANY = "any", "Any one approver"
    ALL = "all", "All approvers"


class RequestStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    RESTARTED = "restarted", "Restarted after an edit"
    CANCELLED = "cancelled", "Cancelled"


class StepStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"


class Decision(models.TextChoices):
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    FORWARDED = "forwarded", "Forwarded"


# What a workflow can apply to: the document types plus expense reports as a whole.
EXPENSE_REPORT = "expense_report"
