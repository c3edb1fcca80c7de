"""What a document needs before it is recorded and before it is published, and the line checks both use.

One home for these rules: review (problems shown), recording (documents.coding) and publishing
(publishing.services) all ask here, with one line numbering ("line 1" is the first line).
"""

from __future__ import annotations

from decimal import Decimal

from documents.models import Document, DocumentLine
from extraction.engine.checks import line_consistent

TOLERANCE = Decimal("0.02")


def totals_problem(document: Document) -> str:
    """Why the amounts do not add up, or "" when they do."""
    if document.total is None:
        return "the total is missing"
    if (
        document.subtotal is not None
        and document.tax_total is not None
        and abs(document.subtotal + document.tax_total - document.total) > TOLERANCE
    ):
        return (
            f"subtotal {document.subtotal:.2f} + tax {document.tax_total:.2f} does not equal "
            f"the total {document.total:.2f}"
        )
    line_totals = [line.total for line in document.lines.all()]
    if line_totals and all(t is not None for t in line_totals):
        lines_sum = sum(line_totals, Decimal("0"))
        targets = [t for t in (document.subtotal, document.total) if t is not None]
        if not any(abs(lines_sum - t) <= TOLERANCE for t in targets):
            label = "subtotal" if document.subtotal is not None else "total"
            ref = document.subtotal if document.subtotal is not None else document.total
            return f"lines add up to {lines_sum:.2f}, {label} says {ref:.2f}"
    return ""


def line_problem(line: DocumentLine) -> str:
    """ "1 × 1100.00 = 1100.00 but the line total says 100.00" when quantity × unit price does not
    account for the line total (beyond rounding, net or gross of the line's tax rate), else ""."""
    if line_consistent(line.quantity, line.unit_price, line.total, line.tax_percent) is not False:
        return ""
    quantity = line.quantity.normalize()
    unit = line.unit_price.normalize()
    unit_text = f"{unit:.2f}" if unit == unit.quantize(Decimal("0.01")) else f"{unit:f}"
    return (
        f"{quantity:f} × {unit_text} = {line.quantity * line.unit_price:.2f} "
        f"but the line total says {line.total:.2f}"
    )


def line_problems(document: Document) -> list[tuple[DocumentLine, str]]:
    """The document's lines whose own arithmetic does not add up, with the reason."""
    found = []
    for line in document.lines.all():
        problem = line_problem(line)
        if problem:
            found.append((line, problem))
    return found


def line_label(line: DocumentLine) -> str:
    description = (line.description or "").strip()
    if len(description) > 40:
        description = description[:39] + "…"
    return f"line {line.position} ({description})" if description else f"line {line.position}"


def missing_coding(document: Document, *, full: bool = True) -> list[str]:
    """The coding recording (or, with full=False, submitting) needs and `document` lacks."""
    missing = []
    lines = list(document.lines.all())
    if document.supplier_id is None:
        missing.append("supplier")
    if full:
        if document.finance_account_id is None and (
            not lines or any(li.finance_account_id is None for li in lines)
        ):
            missing.append("finance account")
        if document.project_id is None and (not lines or any(li.project_id is None for li in lines)):
            missing.append("project")
    return missing


def recording_problems(document: Document, *, full: bool = True) -> list[str]:
    """What stops `document` from being recorded (or, with full=False, submitted)."""
    missing = missing_coding(document, full=full)
    problem = totals_problem(document)
    if problem:
        missing.append(f"totals that reconcile ({problem})")
    # A structured e-invoice states its line totals exactly; quantity × price can legitimately
    # differ (a price per base quantity, line allowances), so there the check only warns on review.
    if not document.extraction_source.startswith("einvoice"):
        for line, problem in line_problems(document):
            missing.append(f"a consistent {line_label(line)}: {problem}")
    return missing
