from django.db import models


class DocumentType(models.TextChoices):
    PURCHASE_INVOICE = "purchase_invoice", "Purchase invoice"
    RECEIPT = "receipt", "Receipt (expense)"
    SALES_INVOICE = "sales_invoice", "Sales invoice"


class DocumentStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    EXTRACTING = "extracting", "Extracting"
    TO_REVIEW = "to_review", "To review"
    IN_APPROVAL = "in_approval", "In approval"
    # An approver said no: back with the person who coded it, with the reason, until corrected.
    REJECTED = "rejected", "Rejected"
    READY = "ready", "Ready"
    QUEUED = "queued", "Queued for Scoro"
    PUBLISHING = "publishing", "Publishing"
    PUBLISHED = "published", "Published"
    PUBLISH_FAILED = "publish_failed", "Publishing failed"


# Groupings of document statuses, named once here (filters, counts and guards import them).
_S = DocumentStatus
# Not yet past review: still being read, reviewed, or sent back.
OPEN_STATUSES = frozenset({_S.RECEIVED, _S.EXTRACTING, _S.TO_REVIEW, _S.REJECTED})
# Past review (coded): in approval, ready, or on its way to Scoro.
CODED_STATUSES = (_S.IN_APPROVAL, _S.READY, _S.QUEUED, _S.PUBLISHING, _S.PUBLISHED, _S.PUBLISH_FAILED)
# Money that is spent: coded and not waiting for approval.
SPEND_STATUSES = tuple(s for s in CODED_STATUSES if s != _S.IN_APPROVAL)
# A worker holds the document: no edits until it lets go.
LOCKED_STATUSES = frozenset({_S.EXTRACTING, _S.QUEUED, _S.PUBLISHING})


class DocumentSource(models.TextChoices):
    BROWSER = "browser", "Browser upload"
    MOBILE = "mobile", "Phone capture"
    API = "api", "REST API"
    EMAIL = "email", "E-mail"
    DEMO = "demo", "Demo data"


class ExpenseReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    IN_APPROVAL = "in_approval", "In approval"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"
    QUEUED = "queued", "Queued for Scoro"
    PUBLISHED = "published", "Published"
    PUBLISH_FAILED = "publish_failed", "Publishing failed"


class PaidBy(models.TextChoices):
    EMPLOYEE = "employee", "Employee (reimbursable)"
    COMPANY_CARD = "company_card", "Company card"


# How people write the extracted fields' names: review form labels, the overview's accuracy table.
FIELD_LABELS = {
    "supplier_name": "Supplier name",
    "supplier_vat_no": "VAT number",
    "supplier_reg_no": "Registration no.",
    "buyer_name": "Buyer name",
    "invoice_number": "Invoice number",
    "po_number": "PO number",
    "iban": "IBAN",
    "issue_date": "Issue date",
    "due_date": "Due date",
    "currency": "Currency",
    "subtotal": "Subtotal",
    "tax_total": "Tax",
    "total": "Total",
}
