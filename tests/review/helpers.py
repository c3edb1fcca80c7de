from decimal import Decimal

from documents.models import DocumentLine
from tests.factories import DocumentFactory


def make_document(company, *, lines=(), status="to_review", **kwargs):
    """A document as extraction leaves it: values in `fields` and mirrored onto the columns."""
    values = {
        "supplier_name": "Zone Media OÜ",
        "invoice_number": "INV-1001",
        "issue_date": "2024-05-02",
        "currency": "EUR",
        "total": "122.00",
        "subtotal": "100.00",
        "tax_total": "22.00",
    }
    values.update(kwargs.pop("fields", {}))
    columns = {k: v for k, v in values.items() if k in {"supplier_name", "invoice_number", "currency"}}
    for name in ("total", "subtotal", "tax_total"):
        columns[name] = Decimal(values[name]) if values.get(name) else None
    columns["issue_date"] = values.get("issue_date")
    document = DocumentFactory(
        company=company,
        status=status,
        fields=values,
        confidence=kwargs.pop("confidence", {k: 0.95 for k in values}),
        **{**columns, **kwargs},
    )
    for position, (description, total) in enumerate(lines, start=1):
        DocumentLine.objects.create(
            document=document, position=position, description=description, total=Decimal(total)
        )
    return document
