"""Background data used to code documents, synced from (and for contacts, to) Scoro.

Rows are never hard-deleted when they disappear or close in Scoro: they are deactivated, so coded
documents keep their links.
"""

from django.conf import settings
from django.db import models

from core.tenancy import CompanyOwned


class ScoroSynced(CompanyOwned):
    scoro_id = models.BigIntegerField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    scoro_modified = models.CharField(max_length=40, blank=True, help_text="modified_date as Scoro sent it")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def _unique_scoro_id(name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=["company", "scoro_id"],
        condition=models.Q(scoro_id__isnull=False),
        name=f"unique_{name}_scoro_id",
    )


class FinanceAccount(ScoroSynced):
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    is_purchases = models.BooleanField(default=True)
    is_sales = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]
        constraints = [_unique_scoro_id("financeaccount")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class DimensionGroup(CompanyOwned):
    PROJECT = "Project"
    OBJECT = "Object"

    name = models.CharField(max_length=100)
    show_on_expense_form = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="unique_dimension_group")]

    def __str__(self) -> str:
        return self.name


class Dimension(ScoroSynced):
    """An accounting object (Scoro `financeObjects`) under a dimension group."""

    group = models.ForeignKey(DimensionGroup, on_delete=models.PROTECT, related_name="dimensions")
    code = models.CharField(max_length=60, blank=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["group__name", "code", "name"]
        constraints = [_unique_scoro_id("dimension")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


class Project(ScoroSynced):
    ACTIVE_STATUSES = ("pending", "inprogress", "future")

    number = models.CharField(max_length=60, blank=True)
    name = models.CharField(max_length=255)
    status = models.CharField(max_length=30, blank=True)
    manager_scoro_id = models.BigIntegerField(null=True, blank=True)
    client_scoro_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [_unique_scoro_id("project")]

    def __str__(self) -> str:
        return f"{self.number} {self.name}".strip() if self.number else self.name


class TaxRate(ScoroSynced):
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200, blank=True)
    percent = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    is_purchases = models.BooleanField(default=True)
    is_sales = models.BooleanField(default=True)

    class Meta:
        ordering = ["-percent", "code"]
        constraints = [_unique_scoro_id("taxrate")]

    def __str__(self) -> str:
        return f"{self.name or self.code} ({self.percent.normalize()}%)"


class Product(ScoroSynced):
    code = models.CharField(max_length=60, blank=True)
    name = models.CharField(max_length=255)
    unit = models.CharField(max_length=20, blank=True)
    is_service = models.BooleanField(default=False)
    default_tax_rate = models.ForeignKey(TaxRate, null=True, blank=True, on_delete=models.SET_NULL)
    finance_account = models.ForeignKey(FinanceAccount, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["name"]
        constraints = [_unique_scoro_id("product")]

    def __str__(self) -> str:
        return self.name


class ScoroUser(ScoroSynced):
    full_name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    status = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["full_name"]
        constraints = [_unique_scoro_id("scorouser")]

    def __str__(self) -> str:
        return self.full_name


class Contact(ScoroSynced):
    """A supplier (or client) contact. Two-way: local changes are pushed to Scoro."""

    class PushState(models.TextChoices):
        IN_SYNC = "in_sync", "In sync"
        PENDING = "pending", "Waiting to be sent to Scoro"
        CONFLICT = "conflict", "Changed here and in Scoro"
        FAILED = "failed", "Sending to Scoro failed"

    contact_type = models.CharField(max_length=10, default="company")
    name = models.CharField(max_length=255)
    lastname = models.CharField(max_length=120, blank=True)
    reg_no = models.CharField("registration number", max_length=40, blank=True, db_index=True)
    vat_no = models.CharField("VAT number", max_length=40, blank=True, db_index=True)
    iban = models.CharField("IBAN", max_length=40, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    country = models.CharField(max_length=3, blank=True, help_text="ISO 3166 alpha-3, as Scoro wants it")
    city = models.CharField(max_length=100, blank=True)
    street = models.CharField(max_length=200, blank=True)
    zipcode = models.CharField(max_length=20, blank=True)
    is_supplier = models.BooleanField(default=True)
    is_client = models.BooleanField(default=False)
    push_state = models.CharField(max_length=10, choices=PushState.choices, default=PushState.IN_SYNC)
    push_error = models.TextField(blank=True)
    # What Scoro had when we last agreed, to tell "changed there" from "changed here".
    synced_snapshot = models.JSONField(default=dict, blank=True)
    conflict_remote = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [_unique_scoro_id("contact")]

    def __str__(self) -> str:
        return f"{self.name} {self.lastname}".strip()


class ContactBankAccount(CompanyOwned):
    """One bank account a supplier has used or asked to be paid to: the supplier's account history.

    The accounts a payment may go to are the contact's `iban` (on file: from Scoro or entered with the
    contact) and the rows on file or confirmed here. An invoice asking for any other account waits for a
    second admin (bookkeeping.bank_accounts); the confirmed account becomes the contact's `iban`.
    """

    class Status(models.TextChoices):
        ON_FILE = "on_file", "On file"
        PENDING = "pending", "Waiting for a second admin"
        CONFIRMED = "confirmed", "Confirmed"
        REJECTED = "rejected", "Rejected"

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="bank_accounts")
    iban = models.CharField("IBAN", max_length=40, help_text="Upper case, without spaces")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    note = models.CharField(max_length=255, blank=True, help_text="Where the account came from")
    # Documents sit above bookkeeping: the invoice that first asked for the account, by id and label.
    first_document_id = models.BigIntegerField(null=True, blank=True)
    first_document_label = models.CharField(max_length=255, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "iban"], name="unique_contact_bank_account")
        ]

    def __str__(self) -> str:
        return f"{self.iban} ({self.get_status_display().lower()})"
