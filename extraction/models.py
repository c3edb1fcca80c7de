"""What extraction keeps beyond the document's own fields: runs, and what it learned per supplier."""

from __future__ import annotations

from django.db import models

from core.tenancy import CompanyOwned


class SupplierHints(CompanyOwned):
    """Hints for the extraction engine learned from people's corrections on one supplier's documents.

    `key` names the supplier: "contact:<id>" once it is a known contact, else "vat:<number>" or
    "name:<normalised name>". `hints` is what `extraction.engine.extract(hints=...)` takes
    (e.g. {"invoice_number_label": ["Bill no"], "date_order": "MDY"}).
    """

    key = models.CharField(max_length=200)
    supplier = models.ForeignKey(
        "bookkeeping.Contact", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    supplier_name = models.CharField(max_length=255, blank=True)
    hints = models.JSONField(default=dict, blank=True)
    # Which documents taught us, per hint key, newest last: {"invoice_number_label": [12, 40]}.
    learned_from = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "supplier hints"
        constraints = [models.UniqueConstraint(fields=["company", "key"], name="unique_supplier_hints_key")]

    def __str__(self) -> str:
        return f"{self.supplier_name or self.key}: {', '.join(self.hints)}"

    @property
    def document_count(self) -> int:
        return len({d for ids in self.learned_from.values() for d in ids})

    def explanation(self) -> str:
        n = self.document_count
        who = self.supplier_name or "this supplier"
        return f"Learned from {n} earlier invoice{'s' if n != 1 else ''} of {who}"


class ExtractionRun(models.Model):
    """One run of the engine over a document: what was used and how it went."""

    document = models.ForeignKey(
        "documents.Document", on_delete=models.CASCADE, related_name="extraction_runs"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    seconds = models.FloatField(default=0)
    source = models.CharField(max_length=20, blank=True)
    error = models.TextField(blank=True)
    hints_used = models.JSONField(default=dict, blank=True)
    hints_explanation = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Extraction of document {self.document_id} ({self.source or self.error[:40]})"

    @property
    def company_id(self) -> int:
        return self.document.company_id
