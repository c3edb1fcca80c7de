"""The whole e-invoice dev set, end to end: every einvoice_xml and einvoice_pdf in ../shared/eval/dev is
uploaded, read, coded by a person with only supplier, project and finance account, recorded, and
published to the Scoro sandbox by the real worker; each bill's net and VAT must be the invoice's own
BT-109 and BT-110 (negative for a credit note stated in positive amounts)."""

from __future__ import annotations

import json
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest

from documents.bank_accounts import document_bank_account_confirm
from documents.coding import document_record, document_update
from documents.models import Document
from documents.readiness import amount_sign, bank_check
from documents.services import document_upload
from publishing.mapping import has_marker
from publishing.services import publish_document
from scoro_sync.models import SyncRun
from scoro_sync.sync import SyncRunner
from tests.publishing.conftest import wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DEV = Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev"
CATEGORIES = ("einvoice_xml", "einvoice_pdf")


def dev_einvoices() -> list[tuple[str, dict]]:
    if not DEV.is_dir():
        return []
    found = []
    for label_path in sorted(DEV.glob("*.json")):
        label = json.loads(label_path.read_text())
        if label.get("category") in CATEGORIES:
            found.append((label["file"], label["fields"]))
    return found


@contextmanager
def tasks_in_process():
    """Reading (extraction, previews) runs in the test's own process; publishing goes to the worker."""
    from envoice.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = eager


def test_every_dev_einvoice_reaches_scoro_with_its_own_net_and_vat(
    company, accountant, admin_user, connection, coding, sandbox, celery_worker
):
    invoices = dev_einvoices()
    if not invoices:
        pytest.skip("../shared/eval/dev is not here")
    connection.publish_attachments = False  # files are another test's concern; keep this one fast
    connection.save(update_fields=["publish_attachments"])
    # The company's Scoro VAT codes, as a real sync brings them (Estonian, German, French, Nordic).
    SyncRunner(run=SyncRun.objects.create(company=company, types=["tax_rates"], trigger="manual")).execute()

    documents: list[tuple[Document, dict]] = []
    with tasks_in_process():
        for name, label in invoices:
            (document,) = document_upload(
                company=company, data=(DEV / name).read_bytes(), filename=name, actor=accountant,
                type="purchase_invoice",
            )  # fmt: skip
            documents.append((document, label))

    not_recorded = []
    for document, _label in documents:
        document.refresh_from_db()
        assert document.extraction_source.startswith("einvoice"), (
            document.filename,
            document.extraction_error,
        )
        # A person picks the supplier, the project and the finance account; nothing else.
        document_update(
            document=document,
            data={"supplier": coding.supplier.pk, "project": coding.project.pk, "finance_account": coding.account.pk},
            actor=accountant,
        )  # fmt: skip
        try:
            document = document_record(document=document, actor=accountant)
        except Exception as exc:  # collected so the message names every document that fails
            not_recorded.append(f"{document.filename}: {exc}")
            continue
        # They all share one test supplier, so each invoice's IBAN after the first is "new" to it:
        # an admin other than the recorder confirms it, as the four-eyes rule wants.
        if bank_check(document).blocks:
            document_bank_account_confirm(document=document, actor=admin_user, iban=document.fields["iban"])
    assert not not_recorded, "\n".join(not_recorded)

    attempts = [(publish_document(document=d, actor=accountant), d, label) for d, label in documents]

    def all_done():
        states = Document.objects.filter(pk__in=[d.pk for _a, d, _l in attempts]).values_list(
            "status", flat=True
        )
        return all(s in ("published", "publish_failed") for s in states)

    wait_for(all_done, timeout=240, interval=0.5, message="every dev e-invoice to finish publishing")

    wrong = []
    for attempt, document, label in attempts:
        attempt.refresh_from_db()
        document.refresh_from_db()
        if document.status != "published":
            wrong.append(f"{document.filename}: {attempt.error}")
            continue
        (bill,) = [b for b in sandbox.records("bills") if has_marker(b.get("description"), attempt.reference)]
        sign = amount_sign(document)
        vat = Decimal(label["tax_total"])
        # BT-109; an invoice that leaves it out states total and VAT (BR-CO-15).
        net = Decimal(label["subtotal"]) if label["subtotal"] else Decimal(label["total"]) - vat
        net, vat = net * sign, vat * sign
        if Decimal(str(bill["sum"])) != net or Decimal(str(bill["vat_sum"])).quantize(Decimal("0.01")) != vat:
            wrong.append(
                f"{document.filename}: Scoro net {bill['sum']} VAT {bill['vat_sum']}, invoice {net} / {vat}"
            )
    published = len(attempts) - len(wrong)
    print(f"\n{published} of {len(attempts)} dev e-invoices published with the invoice's own net and VAT")
    assert not wrong, "\n".join(wrong)
