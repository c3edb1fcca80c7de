from django.db import models

from core.tenancy import CompanyOwned
from scoro_sync import crypto


class ScoroConnection(CompanyOwned):
    class State(models.TextChoices):
        NOT_CONNECTED = "not_connected", "Not connected"
        ACTIVATED = "activated", "Credentials checked; choose the owner"
        CONNECTED = "connected", "Connected"
        DEACTIVATED = "deactivated", "Deactivated"

    state = models.CharField(max_length=20, choices=State.choices, default=State.NOT_CONNECTED)
    base_url = models.URLField(blank=True)
    company_account_id = models.CharField(max_length=100, blank=True)
    api_key_encrypted = models.TextField(blank=True)
    api_key_last4 = models.CharField(max_length=4, blank=True)
    owner_scoro_user_id = models.BigIntegerField(null=True, blank=True)
    owner_name = models.CharField(max_length=200, blank=True)
    # Integration toggles (Settings › Integrations › Scoro)
    recording_required = models.BooleanField(default=True)
    auto_publish = models.BooleanField(default=False)
    auto_publish_exclude_purchases_expenses = models.BooleanField(default=False)
    auto_publish_exclude_sales = models.BooleanField(default=True)
    publish_attachments = models.BooleanField(default=True)
    auto_sync = models.BooleanField(default=True)
    daily_call_budget = models.PositiveIntegerField(default=10_000)
    connected_at = models.DateTimeField(null=True, blank=True)
    last_sync_at = models.DateTimeField(null=True, blank=True)
    # Per Scoro module: the newest modified_date seen, for incremental sync.
    sync_marks = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company"], name="one_scoro_connection_per_company")]

    def __str__(self) -> str:
        return f"Scoro for {self.company} ({self.state})"

    @property
    def is_connected(self) -> bool:
        return self.state == self.State.CONNECTED

    def set_api_key(self, api_key: str) -> None:
        self.api_key_encrypted = crypto.encrypt(api_key)
        self.api_key_last4 = api_key[-4:]

    def get_api_key(self) -> str:
        return crypto.decrypt(self.api_key_encrypted) if self.api_key_encrypted else ""

    @property
    def masked_api_key(self) -> str:
        return f"••••••••{self.api_key_last4}" if self.api_key_last4 else ""

    @property
    def site_url(self) -> str:
        """The Scoro site as a person opens it (for "Go to Scoro" links)."""
        return self.base_url.rstrip("/").removesuffix("/api/v2").removesuffix("/api")


class ApiCallCount(CompanyOwned):
    """Scoro API calls made for a company on a day (Scoro plans cap them)."""

    day = models.DateField()
    calls = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "day"], name="unique_api_call_day")]


class SyncRun(CompanyOwned):
    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20, default="incremental")  # full | incremental
    types = models.JSONField(default=list)
    trigger = models.CharField(max_length=20, default="schedule")  # connect | schedule | manual
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)  # {"contacts": {"created": 3, ...}}
    api_calls = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    progress = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-started_at"]
