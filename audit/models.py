from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from audit.choices import verb_label
from core.tenancy import CompanyOwned


class AuditEvent(CompanyOwned):
    """Who did what to which object, when, and from which state to which.

    Written by services inside the same transaction as the change it describes.
    """

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_label = models.CharField(max_length=150, blank=True, help_text="'system', a task or mail sender")
    # Values of AuditVerb (not `choices`: a new verb should not need a migration).
    verb = models.CharField(max_length=60)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    target_id = models.PositiveBigIntegerField()
    from_state = models.CharField(max_length=40, blank=True)
    to_state = models.CharField(max_length=40, blank=True)
    message = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["target_type", "target_id", "created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.who}: {self.verb_label}"

    @property
    def verb_label(self) -> str:
        """What happened, in the words every history shows ("Extraction finished")."""
        return verb_label(self.verb)

    @property
    def who(self) -> str:
        if self.actor_id:
            return self.actor.get_full_name() or self.actor.get_username()
        return self.actor_label or "system"
