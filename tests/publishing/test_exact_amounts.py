"""Exact in Scoro: the guard that compares what Scoro will compute with the document, and matching the
invoice's own VAT rate and category to the company's Scoro purchase VAT codes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bookkeeping.models import TaxRate
from bookkeeping.selectors import match_vat_code
from publishing import mapping
from publishing.services import publish_document
from tests.factories import ContactFactory, TaxRateFactory
from tests.publishing.conftest import bills_with

pytestmark = pytest.mark.django_db


def test_a_vat_code_that_contradicts_the_stated_vat_blocks_publishing(
    connection, make_document, coding, accountant, sandbox, django_capture_on_commit_callbacks
):
    """A hand-picked 0 % code on an invoice stating 46.25 VAT: nothing reaches Scoro, the reason names
    the difference, and the document waits for a person."""
    zero = TaxRateFactory(company=coding.company, scoro_id=4, code="0", percent=Decimal("0"))
    document = make_document(
        tax_rate=zero, subtotal=Decimal("624.90"), tax_total=Decimal("46.25"), total=Decimal("671.15")
    )
    with django_capture_on_commit_callbacks(execute=True):
        attempt = publish_document(document=document, actor=accountant)  # the task runs eagerly here

    attempt.refresh_from_db()
    document.refresh_from_db()
    assert document.status == "publish_failed"
    assert "VAT: document 46.25, Scoro would compute 0.00" in attempt.error
    assert "difference -46.25" in attempt.error
    assert bills_with(sandbox, attempt.reference) == []


def test_the_payload_reproduces_the_document_to_the_cent(make_document, coding):
    document = make_document(
        lines=[{"description": "Paper", "quantity": Decimal("3"), "unit_price": Decimal("33.3333"), "total": Decimal("100.00")}]
    )  # fmt: skip
    payload = mapping.bill_payload(document, supplier_id=5, comment="")
    assert mapping.scoro_difference(document, payload, "bill", {1: Decimal("22")}) == []
    sums = mapping.scoro_sums(payload, "bill", {1: Decimal("22")})
    assert sums == {Decimal("22"): (Decimal("100.00"), Decimal("22.00"))}


def test_an_e_invoice_line_is_sent_at_exactly_its_net_amount():
    """BT-131 is exact: a price with more than 4 decimals would not reproduce it, so quantity 1 is sent."""
    assert mapping.exact_quantity_price(Decimal("4"), Decimal("10.00")) == (Decimal("4"), Decimal("2.5000"))
    assert mapping.exact_quantity_price(Decimal("3"), Decimal("100.00")) == (Decimal("1"), Decimal("100.00"))
    assert mapping.exact_quantity_price(Decimal("0"), Decimal("5.00")) == (Decimal("1"), Decimal("5.00"))


@pytest.mark.parametrize(
    ("percent", "category", "expected"),
    [
        ("19", "S", "DE19"),
        ("7.00", "S", "DE7"),
        ("0", "AE", "RC"),
        ("0", "K", "0"),
        ("0", "E", "0"),
        ("5.5", "S", None),
    ],
)
def test_vat_codes_match_rate_and_category(percent, category, expected):
    codes = [
        TaxRate(code="DE19", percent=Decimal("19")),
        TaxRate(code="DE7", percent=Decimal("7")),
        TaxRate(code="0", name="VAT 0%", percent=Decimal("0")),
        TaxRate(code="RC", name="Reverse charge", percent=Decimal("0")),
    ]
    found = match_vat_code(codes, percent=Decimal(percent), category=category)
    assert (found.code if found else None) == expected


def test_a_second_contact_of_a_linked_supplier_adopts_its_scoro_contact(
    connection, make_document, coding, accountant, sandbox, django_capture_on_commit_callbacks
):
    """Two contacts here for one supplier (same VAT number), one already linked to Scoro: the other's
    bill goes to that Scoro contact instead of failing with "Scoro already has this contact"."""
    coding.supplier.vat_no = "EE100000001"
    coding.supplier.save(update_fields=["vat_no"])
    twin = ContactFactory(company=coding.company, name="Põhja Ehitus", vat_no="ee100000001", scoro_id=None)
    document = make_document(supplier=twin)
    with django_capture_on_commit_callbacks(execute=True):
        attempt = publish_document(document=document, actor=accountant)
    attempt.refresh_from_db()
    document.refresh_from_db()
    assert document.status == "published", attempt.error
    (bill,) = bills_with(sandbox, attempt.reference)
    assert bill["company_id"] == coding.supplier.scoro_id
