"""The line-level safety net in publishing.mapping: a line whose quantity × unit price is not its total."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from publishing.mapping import line_price


def _doc(subtotal="100.00", total="122.00", tax_total="22.00"):
    return SimpleNamespace(
        subtotal=Decimal(subtotal) if subtotal else None,
        total=Decimal(total) if total else None,
        tax_total=Decimal(tax_total) if tax_total else None,
        tax_rate=None,
    )


def _line(qty, unit, total, position=1, description="Paper"):
    return SimpleNamespace(
        quantity=Decimal(qty),
        unit_price=Decimal(unit) if unit is not None else None,
        total=Decimal(total) if total is not None else None,
        position=position,
        description=description,
    )


def test_consistent_line_keeps_its_unit_price_within_rounding():
    lines = [_line("3", "33.33", "100.00")]  # 99.99 vs 100.00: the unit price was rounded to cents
    assert line_price(_doc(), lines[0], lines) == (Decimal("33.33"), None)


def test_misread_unit_price_is_replaced_by_total_over_quantity_when_totals_agree():
    lines = [_line("2", "400.00", "80.00"), _line("1", "20.00", "20.00", position=2)]  # 40.00 read as 400.00
    price, warning = line_price(_doc(), lines[0], lines)
    assert price == Decimal("40.00")
    assert (
        "Line 1 (Paper)" in warning
        and "2 × 400 = 800, not its total 80" in warning
        and "sent price 40" in warning
    )
    assert line_price(_doc(), lines[1], lines) == (Decimal("20.00"), None)


def test_line_totals_that_miss_the_document_keep_the_unit_price_with_a_warning():
    lines = [_line("2", "400.00", "80.00"), _line("1", "20.00", "25.00", position=1)]  # 105 ≠ 100
    price, warning = line_price(_doc(), lines[0], lines)
    assert price == Decimal("400.00") and "unit price was sent" in warning


def test_gross_totals_without_vat_count_as_net():
    lines = [_line("4", "2.50", "12.20")]
    price, warning = line_price(_doc(subtotal=None, total="12.20", tax_total=None), lines[0], lines)
    assert price == Decimal("3.05") and warning


@pytest.mark.django_db
def test_bill_payload_sends_the_corrected_price(make_document, coding):
    from publishing.mapping import bill_payload, line_warnings

    document = make_document(
        lines=[
            {
                "description": "Paper",
                "quantity": Decimal("2"),
                "unit_price": Decimal("400"),
                "total": Decimal("80"),
            },
            {
                "description": "Pens",
                "quantity": Decimal("1"),
                "unit_price": Decimal("20"),
                "total": Decimal("20"),
            },
        ]
    )
    payload = bill_payload(document, supplier_id=5, comment="x")
    assert [ln["price"] for ln in payload["lines"]] == [40.0, 20.0]
    assert len(line_warnings(document)) == 1
