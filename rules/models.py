"""Company coding rules: conditions on an incoming document → coding actions."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from core.tenancy import CompanyOwned
from documents.choices import DocumentType


class Rule(CompanyOwned):
    """When every set condition holds, the actions fill the document's coding.

    Rules run in `position` order (then id); for each coding field the first rule that sets it wins,
    and nothing a person chose is ever overwritten.
    """

    name = models.CharField(max_length=120)
    position = models.PositiveIntegerField(default=100, help_text="Lower runs first")
    is_active = models.BooleanField(default=True)
    # Conditions (all that are set must hold)
    supplier = models.ForeignKey(
        "bookkeeping.Contact", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    supplier_vat_no = models.CharField("supplier VAT number", max_length=40, blank=True)
    keyword = models.CharField(max_length=100, blank=True, help_text="Found in the document's text")
    amount_min = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    amount_max = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    document_type = models.CharField(max_length=20, choices=DocumentType.choices, blank=True)
    sender_email = models.CharField(
        "sender address", max_length=254, blank=True, help_text="An address, or @domain for a whole domain"
    )
    # Actions
    project = models.ForeignKey("bookkeeping.Project", null=True, blank=True, on_delete=models.SET_NULL)
    finance_account = models.ForeignKey(
        "bookkeeping.FinanceAccount", null=True, blank=True, on_delete=models.SET_NULL
    )
    tax_rate = models.ForeignKey("bookkeeping.TaxRate", null=True, blank=True, on_delete=models.SET_NULL)
    dimensions = models.ManyToManyField("bookkeeping.Dimension", blank=True)
    product = models.ForeignKey("bookkeeping.Product", null=True, blank=True, on_delete=models.SET_NULL)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    auto_record = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    applied_count = models.PositiveIntegerField(default=0)
    last_applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["company", "is_active", "position"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_min__isnull=True)
                | models.Q(amount_max__isnull=True)
                | models.Q(amount_min__lte=models.F("amount_max")),
                name="rule_amount_range_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name
