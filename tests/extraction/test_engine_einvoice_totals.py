"""EN 16931 amounts that decide the totals, read from the real dev e-invoices (built by construct, not
by file name: each test finds the dev files that carry the construct)."""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache

import pytest

from extraction.engine import extract
from tests.extraction.conftest import DEV

CATEGORIES = ("einvoice_xml", "einvoice_pdf")


@cache
def dev_einvoices() -> list[tuple[str, dict]]:
    """(file name, extracted fields) of every dev e-invoice."""
    if not DEV.is_dir():
        return []
    out = []
    for label_path in sorted(DEV.glob("*.json")):
        label = json.loads(label_path.read_text())
        if label.get("category") in CATEGORIES:
            name = label["file"]
            out.append((name, extract((DEV / name).read_bytes(), filename=name).fields))
    return out


@pytest.fixture(scope="module")
def einvoices(dev_dir):
    return dev_einvoices()


def _d(value) -> Decimal:
    return Decimal(value) if value not in (None, "") else Decimal(0)


def _counted_sum(fields) -> Decimal | None:
    lines = [ln for ln in fields["lines"] or [] if ln.get("counted", True)]
    if not lines or any(ln.get("total") is None for ln in lines):
        return None
    return sum((_d(ln["total"]) for ln in lines), Decimal(0))


def test_document_allowances_and_charges_make_the_lines_add_up_to_the_basis(einvoices):
    """BR-CO-10/13: Σ leaf line net − allowances (BG-20) + charges (BG-21) = tax basis (BT-109)."""
    checked = 0
    for name, fields in einvoices:
        terms = fields["einvoice"]
        if not (terms.get("allowances") or terms.get("charges")) or fields["subtotal"] is None:
            continue
        lines = _counted_sum(fields)
        if lines is None:
            continue
        allowances = sum((_d(a.get("amount")) for a in terms.get("allowances", [])), Decimal(0))
        charges = sum((_d(c.get("amount")) for c in terms.get("charges", [])), Decimal(0))
        assert lines - allowances + charges == _d(fields["subtotal"]), name
        for item in terms.get("allowances", []) + terms.get("charges", []):
            assert item.get("amount") is not None, (name, item)
        checked += 1
    assert checked >= 10


def test_allowance_carries_reason_base_percent_and_vat(einvoices):
    items = [a for _n, f in einvoices for a in f["einvoice"].get("allowances", [])]
    assert any(a.get("percent") and a.get("base") for a in items)
    assert all(a.get("vat_category") for a in items if a.get("vat_rate"))
    assert any(a.get("reason") or a.get("reason_code") for a in items)


def test_sub_invoice_group_lines_are_headings_not_amounts(einvoices):
    """EXTENDED: a GROUP line (or a parent stated without DETAIL) is kept for reading but not counted."""
    grouped = [(n, f) for n, f in einvoices if any(ln.get("parent_line_id") for ln in f["lines"] or [])]
    assert grouped
    for name, fields in grouped:
        lines = fields["lines"]
        for line in lines:
            if (line.get("line_status") or "").upper() == "GROUP":
                assert line.get("counted") is False, (name, line["description"])
        assert _counted_sum(fields) == _d(fields["einvoice"].get("line_total") or fields["subtotal"]), name


def test_credit_notes_are_marked_and_keep_the_amounts_stated(einvoices):
    credit = [(n, f) for n, f in einvoices if f["einvoice"]["credit_note"]]
    assert {f["einvoice"]["type_code"] for _n, f in credit} >= {"381"}
    assert all(_d(f["total"]) > 0 for _n, f in credit)  # positive as stated; the sign is applied later
    assert all(not f["einvoice"]["credit_note"] for _n, f in einvoices if f["einvoice"]["type_code"] == "380")


def test_prepaid_rounding_and_amount_due(einvoices):
    """BR-CO-16 holds wherever the invoice states the amount due consistently, and both prepaid (BT-113)
    and rounding (BT-114) occur in the dev set."""
    terms = [(n, f, f["einvoice"]) for n, f in einvoices if f["einvoice"].get("due")]
    assert any(t.get("prepaid") for _n, _f, t in terms) and any(t.get("rounding") for _n, _f, t in terms)
    consistent = [
        n
        for n, f, t in terms
        if _d(f["total"]) - _d(t.get("prepaid")) + _d(t.get("rounding")) == _d(t["due"])
    ]
    assert len(consistent) >= len(terms) - 2


def test_gross_price_discount_and_base_quantity_are_kept(einvoices):
    lines = [ln for _n, f in einvoices for ln in f["lines"] or []]
    assert any(ln.get("gross_price") and ln.get("price_discount") for ln in lines)
    based = [ln for ln in lines if ln.get("base_quantity") and _d(ln["base_quantity"]) != 1]
    for line in based:  # BT-131 = quantity × price ÷ base quantity (± line allowances)
        net = _d(line["quantity"]) * _d(line["unit_price"]) / _d(line["base_quantity"])
        if not line.get("allowances") and not line.get("charges"):
            assert abs(net - _d(line["total"])) <= Decimal("0.01"), line


def test_vat_breakdown_names_the_category(einvoices):
    categories = {t.get("category") for _n, f in einvoices for t in f["tax_lines"] or []}
    assert {"S", "AE", "E", "K"} <= categories
