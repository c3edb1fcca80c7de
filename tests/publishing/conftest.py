"""Publishing fixtures: a company connected to the Scoro sandbox, coding that exists in the sandbox seed
(supplier contact 5, project 1, finance account 10 = 4100 Office supplies, VAT code 1 = 22 %, financeObject 3),
and ready documents built with the factories and moved to "ready" through the state machine."""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from bookkeeping.models import Dimension, DimensionGroup
from documents.state import transition
from scoro_sync.models import ScoroConnection
from tests import factories
from tests.factories import (
    ContactFactory,
    FinanceAccountFactory,
    ProjectFactory,
    TaxRateFactory,
)


@pytest.fixture
def connection(company, sandbox):
    conn = ScoroConnection(
        company=company,
        state=ScoroConnection.State.CONNECTED,
        base_url=sandbox.base_url,
        company_account_id=sandbox.company_account_id,
        owner_scoro_user_id=2,
        owner_name="Jaan Kask",
        auto_publish=False,
        publish_attachments=True,
    )
    conn.set_api_key(sandbox.api_key)
    conn.save()
    return conn


class Coding:
    def __init__(self, company):
        self.company = company
        self.supplier = ContactFactory(company=company, name="Põhja Ehitus OÜ", scoro_id=5)
        self.project = ProjectFactory(company=company, name="Website redesign 1", scoro_id=1)
        self.project2 = ProjectFactory(company=company, name="ERP rollout 1", scoro_id=2)
        self.account = FinanceAccountFactory(
            company=company, code="4100", name="Office supplies", scoro_id=10
        )
        self.account2 = FinanceAccountFactory(company=company, code="4140", name="IT services", scoro_id=14)
        self.tax = TaxRateFactory(company=company, scoro_id=1, code="22", percent=Decimal("22.00"))
        group = DimensionGroup.objects.create(company=company, name="Object")
        self.dimension = Dimension.objects.create(
            company=company, group=group, code="ADM", name="Administration", scoro_id=3
        )


@pytest.fixture
def coding(company):
    return Coding(company)


@pytest.fixture
def make_document(company, coding, accountant):
    """make_document(type=..., lines=[...], recorded=True, **fields) → a document in "ready"."""

    def make(*, type="purchase_invoice", lines=(), recorded=True, ready=True, **kwargs):
        values = {
            "type": type,
            "supplier": coding.supplier,
            "project": coding.project,
            "finance_account": coding.account,
            "tax_rate": coding.tax,
            "supplier_name": "Põhja Ehitus OÜ",
            "invoice_number": "INV-1001",
            "issue_date": date(2025, 3, 3),
            "due_date": date(2025, 3, 17),
            "currency": "EUR",
            "subtotal": Decimal("100.00"),
            "tax_total": Decimal("22.00"),
            "total": Decimal("122.00"),
            "fields": {"po_number": "PO-7781"},
            "uploaded_by": accountant,
        }
        values.update(kwargs)
        document = factories.make_document(company, lines=lines, extracted=False, **values)
        document.dimensions.add(coding.dimension)
        if recorded:
            document.recorded_at = timezone.now()
            document.recorded_by = accountant
            document.save(update_fields=["recorded_at", "recorded_by"])
        if ready:
            transition(document, "record" if recorded else "submit", actor=accountant)
        return document

    return make


def wait_for(predicate, *, timeout: float = 20.0, interval: float = 0.1, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {message}")


def wait_published(document, *, timeout: float = 20.0, states=("published", "publish_failed")):
    def done():
        document.refresh_from_db()
        return document.status in states

    wait_for(done, timeout=timeout, message=f"document {document.pk} to finish publishing")
    return document


def bills_with(sandbox, reference: str) -> list[dict]:
    return [
        b
        for b in sandbox.records("bills")
        if reference in (b.get("description") or "") and not b.get("is_deleted")
    ]
