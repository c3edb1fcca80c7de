"""A supplier with an account on file, two admins and an accountant, and bills coded and ready to record."""

from __future__ import annotations

import pytest

from documents.coding import document_record
from tests.factories import MembershipFactory, make_document

ON_FILE = "EE382200221020145685"
NEW = "LT601010012345678901"


@pytest.fixture
def second_admin(company):
    return MembershipFactory(company=company, role="admin", user__username="second").user


@pytest.fixture
def supplier(books):
    supplier = books["supplier"]
    supplier.iban = ON_FILE
    supplier.save(update_fields=["iban"])
    return supplier


@pytest.fixture
def bill(company, books, supplier):
    """bill(iban=…, number=…) → a coded bill of the supplier, to review (not recorded yet)."""

    def make(*, iban: str = NEW, number: str = "INV-1001", **kwargs):
        return make_document(
            company,
            fields={"iban": iban, "invoice_number": number},
            supplier=supplier,
            project=books["project"],
            finance_account=books["account"],
            **kwargs,
        )

    return make


@pytest.fixture
def recorded(bill, admin_user):
    """recorded(iban=…, by=user) → the bill recorded (ready) by `by` (the first admin by default)."""

    def make(*, by=None, **kwargs):
        return document_record(document=bill(**kwargs), actor=by or admin_user)

    return make
