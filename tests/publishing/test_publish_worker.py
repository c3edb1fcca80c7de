"""Publishing over HTTP against the Scoro sandbox, through a real Celery worker on Redis."""

from __future__ import annotations

from decimal import Decimal

import pytest

from audit.models import AuditEvent
from publishing.services import attachment_add, publish_document
from tests.publishing.conftest import bills_with, wait_published

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_manual_publish_creates_one_bill_with_everything(
    connection, make_document, accountant, sandbox, celery_worker
):
    document = make_document(
        lines=[
            {
                "description": "Paper",
                "quantity": Decimal("10"),
                "unit_price": Decimal("4.10"),
                "total": Decimal("41.00"),
            },
            {
                "description": "Toner",
                "quantity": Decimal("1"),
                "unit_price": Decimal("59.00"),
                "total": Decimal("59.00"),
            },
        ]
    )
    attachment_add(
        document=document, name="delivery-note.pdf", content=b"%PDF-1.4 delivery", actor=accountant
    )

    attempt = publish_document(document=document, actor=accountant)
    wait_published(document)

    attempt.refresh_from_db()
    assert document.status == "published", attempt.error
    bills = bills_with(sandbox, attempt.reference)
    assert len(bills) == 1
    bill = bills[0]
    assert attempt.scoro_id == bill["id"]
    assert bill["company_id"] == 5 and bill["no"] == "INV-1001"
    assert bill["date"] == "2025-03-03" and bill["deadline"] == "2025-03-17" and bill["currency"] == "EUR"
    assert bill["project_id"] == 1
    assert [
        (
            ln["comment"],
            ln["amount"],
            ln["price"],
            ln["finance_account_id"],
            ln["vat_code_id"],
            ln["finance_object_id"],
            ln["project_id"],
        )
        for ln in bill["lines"]
    ] == [
        ("Paper", 10, 4.1, 10, 1, 3, 1),
        ("Toner", 1, 59, 10, 1, 3, 1),
    ]
    assert bill["sum"] == 100.0 and bill["vat_sum"] == 22.0
    assert bill["description"].startswith("Imported from Envoice.")
    assert "Purchase order: PO-7781." in bill["description"]
    assert f"[Envoice {attempt.reference}]" in bill["description"]
    files = sandbox.store.files_for("bills", bill["id"])
    assert sorted(f["file_name"] for f in files) == sorted([document.filename, "delivery-note.pdf"])
    assert attempt.mismatches == []
    # audit: the publish with its payload summary and the API calls it used
    event = AuditEvent.objects.get(verb="finish_publish", target_id=document.pk)
    assert event.data["summary"]["lines"] == 2 and event.data["summary"]["net"] == "100.00"
    assert event.data["api_calls"] == 1 + 2 * 2  # create + (upload + link) per file
    assert event.data["calls"] == {"bills/modify": 1, "files/modify": 2, "files/addRelation": 2}
