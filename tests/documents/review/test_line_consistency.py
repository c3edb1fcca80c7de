"""A line whose quantity × unit price is not its total: flagged on the review page, refused by recording."""

from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse

from core.errors import ValidationFailed
from documents.coding import document_record, line_problem
from documents.models import DocumentLine
from documents.problems import document_problems
from documents.review import field_problems
from tests.factories import make_document

pytestmark = pytest.mark.django_db

REASON = "1 × 1100.00 = 1100.00 but the line total says 100.00"


def _document(company, books=None, *, rows, **kwargs):
    """rows: (description, quantity, unit price, total[, tax percent])."""
    fields = {"subtotal": "100.00", "tax_total": "22.00", "total": "122.00", **kwargs.pop("fields", {})}
    document = make_document(company, fields=fields, **kwargs)
    if books:
        document.supplier = books["supplier"]
        document.project = books["project"]
        document.finance_account = books["account"]
        document.save()
    for position, (description, quantity, unit, total, *rate) in enumerate(rows, start=1):
        DocumentLine.objects.create(
            document=document,
            position=position,
            description=description,
            quantity=Decimal(quantity),
            unit_price=Decimal(unit) if unit is not None else None,
            total=Decimal(total),
            tax_percent=Decimal(rate[0]) if rate else None,
        )
    return document


@pytest.mark.parametrize(
    ("quantity", "unit", "total", "tax", "expected"),
    [
        ("1", "1100.00", "100.00", None, REASON),
        ("2", "100.00", "210.00", None, "2 × 100.00 = 200.00 but the line total says 210.00"),
        ("10000", "0.052", "52.00", None, "10000 × 0.052 = 520.00 but the line total says 52.00"),
        ("1", "100.00", "100.00", None, ""),
        ("3", "0.33", "1.00", None, ""),  # unit price printed rounded to cents
        ("2", "50.00", "122.00", "22", ""),  # a gross line total
        ("1", None, "100.00", None, ""),  # no unit price: nothing to compare
    ],
)
def test_line_problem(quantity, unit, total, tax, expected):
    line = DocumentLine(
        position=1,
        quantity=Decimal(quantity),
        unit_price=Decimal(unit) if unit else None,
        total=Decimal(total),
        tax_percent=Decimal(tax) if tax else None,
    )
    assert line_problem(line) == expected


def test_review_problems_name_the_line_and_the_arithmetic(company):
    document = _document(
        company,
        rows=[("Cloud hosting, March", "1", "1100.00", "100.00")],
        confidence={"lines": 0.6, "lines[0]": 0.3, "total": 0.95},
    )
    document.warnings = [f"Line 1 (Cloud hosting, March): {REASON}"]
    problems = field_problems(document)
    assert problems["lines"] == [f"Line 1 (Cloud hosting, March): {REASON}."]
    assert "_document" not in problems  # the engine's warning is not repeated as a document problem
    # the line once, not also its per-line score
    assert [p.kind for p in document_problems(document) if p.field == "lines"] == ["line"]


def test_review_problems_follow_the_corrected_line(company):
    document = _document(company, rows=[("Cloud hosting, March", "1", "1100.00", "100.00")])
    document.warnings = [f"Line 1 (Cloud hosting, March): {REASON}"]
    document.lines.update(unit_price=Decimal("100.00"))
    assert "lines" not in field_problems(document)


def test_consistent_lines_are_no_problem(company):
    document = _document(
        company,
        rows=[("Cloud hosting, March", "1", "100.00", "100.00")],
    )
    assert "lines" not in field_problems(document)


def test_review_page_shows_the_reason(client, company, accountant):
    document = _document(company, rows=[("Cloud hosting, March", "1", "1100.00", "100.00")])
    client.force_login(accountant)
    response = client.get(reverse("documents:review", kwargs={"pk": document.pk}))
    assert response.status_code == 200
    assert f"Line 1 (Cloud hosting, March): {REASON}." in response.content.decode()


def test_record_refuses_an_inconsistent_line_naming_it(company, accountant, books):
    document = _document(
        company,
        books,
        rows=[("Cloud hosting, March", "1", "1100.00", "100.00")],
    )
    with pytest.raises(ValidationFailed) as error:
        document_record(document=document, actor=accountant)
    assert error.value.message == (
        f"Cannot record: missing a consistent line 1 (Cloud hosting, March): {REASON}."
    )
    document.refresh_from_db()
    assert document.status == "to_review" and document.recorded_at is None


def test_record_refuses_on_submit_too(company, accountant, books):
    from scoro_sync.models import ScoroConnection

    ScoroConnection.objects.create(company=company, recording_required=False)
    document = _document(
        company,
        books,
        rows=[("Hosting", "2", "100.00", "210.00")],
        fields={"subtotal": "210.00", "tax_total": "0.00", "total": "210.00"},
    )
    with pytest.raises(ValidationFailed, match=r"Cannot submit: missing a consistent line 1 \(Hosting\)"):
        document_record(document=document, actor=accountant)


def test_record_accepts_consistent_lines_and_documents_without_lines(company, accountant, books):
    consistent = _document(
        company,
        books,
        rows=[("Cloud hosting, March", "1", "100.00", "100.00")],
    )
    without_lines = _document(company, books, rows=[], fields={"invoice_number": "INV-2"})
    with mock.patch("publishing.services.publish_if_automatic"):
        assert document_record(document=consistent, actor=accountant).status == "ready"
        assert document_record(document=without_lines, actor=accountant).status == "ready"


def test_an_einvoice_line_priced_per_base_quantity_only_warns(company, accountant, books):
    """E-invoices state line totals exactly (10000 × 0.052 per 1000 = 52.00): flagged, not blocking."""
    document = _document(
        company,
        books,
        rows=[("Copies", "10000", "0.052", "52.00")],
        fields={"subtotal": "52.00", "tax_total": "0.00", "total": "52.00"},
    )
    document.extraction_source = "einvoice_xml"
    document.save(update_fields=["extraction_source"])
    assert field_problems(document)["lines"]
    with mock.patch("approvals.services.approval_start_if_required", return_value=False):
        document_record(document=document, actor=accountant)
    document.refresh_from_db()
    assert document.status == "ready"
