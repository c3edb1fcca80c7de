from decimal import Decimal

import pytest

from tests import factories
from tests.factories import MembershipFactory


@pytest.fixture
def make_document(company, accountant):
    """make_document(total=..., **columns) → a purchase invoice coded by hand, in review."""

    def make(total="6000.00", **columns):
        defaults = {
            "type": "purchase_invoice",
            "supplier_name": "Big Supplier OÜ",
            "invoice_number": "INV-1",
            "currency": company.currency,
            "total": Decimal(total) if total is not None else None,
            "uploaded_by": accountant,
        }
        return factories.make_document(company, extracted=False, **{**defaults, **columns})

    return make


@pytest.fixture
def make_workflow(company, admin_user):
    from approvals.services import approval_workflow_save

    def make(
        steps, *, name="Large purchases", document_types=("purchase_invoice",), min_amount="5000.00", **kw
    ):
        return approval_workflow_save(
            company=company,
            actor=admin_user,
            name=name,
            document_types=list(document_types),
            min_amount=Decimal(min_amount),
            steps=steps,
            **kw,
        )

    return make


@pytest.fixture
def member(company):
    def make(username, role="approver", **user_kwargs):
        return MembershipFactory(
            company=company,
            role=role,
            user__username=username,
            **{f"user__{k}": v for k, v in user_kwargs.items()},
        ).user

    return make
