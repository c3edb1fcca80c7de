"""Documents (bills, receipts, sales invoices), their lines, page previews and expense reports."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from core.tenancy import CompanyOwned
from documents.choices import DocumentSource, DocumentStatus, DocumentType, ExpenseReportStatus, PaidBy


def fits_column(model: str, name: str, *, whole_digits: int) -> models.CheckConstraint:
    """A decimal column holds only what its digits can read back (SQLite would store more, and every
    later read of the row failed with InvalidOperation); services refuse such values first."""
    limit = Decimal(10) ** whole_digits
    return models.CheckConstraint(
        condition=models.Q(**{f"{name}__isnull": True})
        | models.Q(**{f"{name}__gt": -limit, f"{name}__lt": limit}),
        name=f"documents_{model}_{name}_fits",
    )


def original_upload_to(instance: Document, filename: str) -> str:
    # Content-addressed per company: the name never depends on user input beyond the extension.
    ext = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"originals/{instance.company_id}/{instance.sha256[:2]}/{instance.sha256}.{ext}"


def preview_upload_to(instance: DocumentPage, filename: str) -> str:
    return f"previews/{instance.document.company_id}/{instance.document_id}/{instance.number}.png"


class Document(CompanyOwned):
    type = models.CharField(
        max_length=20, choices=DocumentType.choices, default=DocumentType.PURCHASE_INVOICE
    )
    status = models.CharField(
        max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.RECEIVED, db_index=True
    )
    # Intake
    original = models.FileField(upload_to=original_upload_to, max_length=255)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    # Perceptual hash (pHash, 64 bits as a signed integer) of the first page or photo, for finding a
    # re-photographed or re-exported copy (documents.duplicates); computed by extraction, not at intake.
    image_hash = models.BigIntegerField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=DocumentSource.choices, default=DocumentSource.BROWSER)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sender_email = models.EmailField(blank=True)
    email_subject = models.CharField(max_length=255, blank=True)
    note = models.TextField(blank=True)
    page_count = models.PositiveIntegerField(default=0)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Extraction: values in the schema of shared/eval, confidence and provenance per field.
    fields = models.JSONField(default=dict, blank=True)
    confidence = models.JSONField(default=dict, blank=True)
    provenance = models.JSONField(default=dict, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    extraction_source = models.CharField(max_length=20, blank=True)
    extraction_error = models.TextField(blank=True)
    extracted_at = models.DateTimeField(null=True, blank=True)
    text = models.TextField(blank=True)
    corrected_fields = models.JSONField(default=list, blank=True, help_text="Fields a person changed")
    # Denormalised from `fields` for lists, filters and sorting at 100k documents.
    supplier_name = models.CharField(max_length=255, blank=True, db_index=True)
    invoice_number = models.CharField(max_length=100, blank=True, db_index=True)
    issue_date = models.DateField(null=True, blank=True, db_index=True)
    due_date = models.DateField(null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    total = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    subtotal = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    tax_total = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    # Coding
    supplier = models.ForeignKey(
        "bookkeeping.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    supplier_match_reason = models.CharField(max_length=255, blank=True)
    project = models.ForeignKey("bookkeeping.Project", null=True, blank=True, on_delete=models.PROTECT)
    finance_account = models.ForeignKey(
        "bookkeeping.FinanceAccount", null=True, blank=True, on_delete=models.PROTECT
    )
    tax_rate = models.ForeignKey("bookkeeping.TaxRate", null=True, blank=True, on_delete=models.PROTECT)
    dimensions = models.ManyToManyField("bookkeeping.Dimension", blank=True)
    coding_sources = models.JSONField(
        default=dict, blank=True, help_text="Which rule or suggestion set each coding field"
    )
    # Set by a coding rule (rules.services.rules_apply, its source in coding_sources["named_approver"]);
    # approvals adds a step for this person when the document enters approval.
    named_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Also asked to approve this document (named by a coding rule)",
    )
    expense_report = models.ForeignKey(
        "documents.ExpenseReport", null=True, blank=True, on_delete=models.SET_NULL, related_name="documents"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Bumped on every edit of amounts or coding: restarts approval, tells publishing to update.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["company", "status", "-received_at"]),
            models.Index(fields=["company", "type", "status"]),
            models.Index(fields=["company", "sha256"]),
            models.Index(fields=["company", "image_hash"]),
            # Lists, newest first: the page of ids is read from this index alone (status and type
            # trail the order, rather than INCLUDE which SQLite lacks), so deep pages cost no heap
            # reads. On PostgreSQL, migration 0002 also
            # creates the Date/Total order indexes (NULLS LAST) and trigram GIN indexes for search;
            # they are not declared here because SQLite cannot build them.
            models.Index(
                fields=["company", "-received_at", "-id", "status", "type"],
                name="documents_list_received_idx",
            ),
            # Only the documents waiting for extraction, in arrival order: how many wait ahead of one
            # (the Inbox) and how long the oldest has waited (/metrics) cost a scan of the backlog alone.
            models.Index(
                fields=["received_at", "id"],
                condition=models.Q(status="received"),
                name="documents_waiting_idx",
            ),
        ]
        constraints = [
            fits_column("document", name, whole_digits=12) for name in ("total", "subtotal", "tax_total")
        ]

    def __str__(self) -> str:
        label = " ".join(x for x in (self.supplier_name, self.invoice_number) if x)
        return label or self.filename

    @property
    def is_credit_note(self) -> bool:
        """A structured credit note (UBL CreditNote, CII/UBL 381, Finvoice INV02): the e-invoice readers
        mark it in the totals block they write."""
        block = (self.fields or {}).get("einvoice")
        return isinstance(block, dict) and bool(block.get("credit_note"))

    @property
    def amount_sign(self) -> int:
        """The one sign convention: amounts are kept as the document states them; a credit note that
        states them positive reduces what is owed, so it counts as −1 in lists, sums and the payload."""
        stated = self.subtotal if self.subtotal is not None else self.total
        return -1 if self.is_credit_note and (stated is None or stated >= 0) else 1

    @property
    def signed_total(self):
        return None if self.total is None else self.total * self.amount_sign

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class DocumentLine(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    description = models.CharField(max_length=500, blank=True)
    quantity = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal("1"))
    unit_price = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    total = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    tax_percent = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    # A structured e-invoice's own terms for the line (EN 16931): VAT category, gross price, price
    # discount, base quantity, line allowances/charges, sub-line ids. Read-only; never edited.
    einvoice = models.JSONField(default=dict, blank=True)
    # False for a heading (EXTENDED GROUP line, a parent of sub-lines) or an information line: its amount
    # is the sum of its sub-lines, so totals and Scoro count only the others.
    counted = models.BooleanField(default=True)
    # Per-line coding; empty means "as the header".
    product = models.ForeignKey("bookkeeping.Product", null=True, blank=True, on_delete=models.PROTECT)
    project = models.ForeignKey("bookkeeping.Project", null=True, blank=True, on_delete=models.PROTECT)
    finance_account = models.ForeignKey(
        "bookkeeping.FinanceAccount", null=True, blank=True, on_delete=models.PROTECT
    )
    tax_rate = models.ForeignKey("bookkeeping.TaxRate", null=True, blank=True, on_delete=models.PROTECT)
    dimension = models.ForeignKey("bookkeeping.Dimension", null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            fits_column("line", "quantity", whole_digits=10),
            fits_column("line", "unit_price", whole_digits=10),
            fits_column("line", "total", whole_digits=12),
            fits_column("line", "tax_percent", whole_digits=4),
        ]

    def __str__(self) -> str:
        return self.description or f"Line {self.position}"

    @property
    def company_id(self) -> int:
        return self.document.company_id

    def effective(self, field: str):
        """The line's own coding value, or the header's when the line does not override it."""
        return getattr(self, field) or getattr(self.document, field)


class DocumentPage(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField()
    image = models.ImageField(upload_to=preview_upload_to, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="unique_document_page")]

    def __str__(self) -> str:
        return f"{self.document} p. {self.number}"


class ExpenseReport(CompanyOwned):
    title = models.CharField(max_length=200)
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expense_reports"
    )
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    project = models.ForeignKey("bookkeeping.Project", null=True, blank=True, on_delete=models.PROTECT)
    paid_by = models.CharField(max_length=20, choices=PaidBy.choices, default=PaidBy.EMPLOYEE)
    status = models.CharField(
        max_length=20, choices=ExpenseReportStatus.choices, default=ExpenseReportStatus.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def reimbursable(self) -> bool:
        return self.paid_by == PaidBy.EMPLOYEE


class DuplicatePair(CompanyOwned):
    """Two documents of a company that may be the same bill or receipt, found by documents.duplicates.

    One row per pair, the lower id first, so it is the same row whichever document arrived or was read
    first. `reasons` are codes of duplicates.REASONS. A person's "not a duplicate" sets `dismissed_at`:
    the pair then stays quiet, however often the documents are checked again.
    """

    first = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    reasons = models.JSONField(default=list)
    distance = models.PositiveSmallIntegerField(null=True, blank=True, help_text="pHash bits that differ")
    created_at = models.DateTimeField(auto_now_add=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["first_id", "second_id"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="documents_duplicate_pair_unique"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="documents_duplicate_pair_ordered"
            ),
        ]
        indexes = [models.Index(fields=["second"], name="documents_duplicate_second_idx")]

    def __str__(self) -> str:
        return f"#{self.first_id} ~ #{self.second_id}"

    def other(self, document_id: int) -> int:
        return self.second_id if document_id == self.first_id else self.first_id
