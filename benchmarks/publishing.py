"""Benchmark publishing: N documents to a Scoro sandbox, documents/second and Scoro API calls per document.

    DATABASE_URL=postgres://… python benchmarks/publishing.py [--count 500] [--new-suppliers 20]
        [--attachments 1] [--concurrency 4] [--rate-limit 0] [--keep]

Starts a sandbox in this process (HTTP on a free port), creates a throw-away company connected to it with
coding from the sandbox seed, and --count recorded purchase invoices (each with its original file and
--attachments extra files; --new-suppliers of them from suppliers Scoro does not know yet). It then
publishes them through the real service (publish_document → the Celery task, run eagerly) from
--concurrency threads, and prints throughput and the API calls per document against the floor:
1 create per document + (upload + link) per file + 1 per new supplier.
The company is deleted at the end unless --keep is given.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "envoice.settings.production")
os.environ.setdefault("ENVOICE_MANIFEST_STATIC", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key")
# Production refuses to start on the demo's secrets (envoice/checks.py); benchmark-only ones.
os.environ.setdefault("MAILGUN_WEBHOOK_SIGNING_KEY", "benchmark-only-signing-key")
os.environ.setdefault("ENVOICE_FIELD_ENCRYPTION_KEYS", "0" * 43 + "=")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"  # the task body runs in the publishing thread
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="envoice-bench-media-"))

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Company  # noqa: E402
from bookkeeping.models import Contact, FinanceAccount, Project, TaxRate  # noqa: E402
from documents.models import Document  # noqa: E402
from documents.state import transition  # noqa: E402
from publishing.models import PublishAttempt  # noqa: E402
from publishing.services import attachment_add, publish_document  # noqa: E402
from scoro_sandbox.server import start_in_thread  # noqa: E402
from scoro_sync.models import ScoroConnection  # noqa: E402


def make_company(sandbox, *, count: int, new_suppliers: int, attachments: int) -> tuple[Company, list[int]]:
    company = Company.objects.create(name=f"Publishing benchmark {uuid.uuid4().hex[:8]}")
    conn = ScoroConnection(
        company=company, state=ScoroConnection.State.CONNECTED, base_url=sandbox.base_url,
        company_account_id=sandbox.company_account_id, owner_scoro_user_id=2, publish_attachments=True,
    )  # fmt: skip
    conn.set_api_key(sandbox.api_key)
    conn.save()
    known = [
        Contact.objects.create(company=company, name=f"Known supplier {i}", scoro_id=i)
        for i in (5, 6, 11, 12)
    ]
    new = [
        Contact.objects.create(
            company=company,
            name=f"New supplier {i} OÜ",
            vat_no=f"EE9{i:08d}",
            push_state=Contact.PushState.PENDING,
        )
        for i in range(new_suppliers)
    ]
    project = Project.objects.create(company=company, name="Website redesign 1", scoro_id=1)
    account = FinanceAccount.objects.create(company=company, code="4100", name="Office supplies", scoro_id=10)
    tax = TaxRate.objects.create(
        company=company, code="22", name="VAT 22%", percent=Decimal("22"), scoro_id=1
    )
    ids = []
    for i in range(count):
        supplier = new[i] if i < len(new) else known[i % len(known)]
        content = f"%PDF-1.4 benchmark invoice {i} {uuid.uuid4().hex}".encode()
        document = Document(
            company=company, type="purchase_invoice", status="to_review", filename=f"bench-{i}.pdf",
            content_type="application/pdf", size=len(content), sha256=uuid.uuid4().hex * 2,
            supplier=supplier, supplier_name=supplier.name, invoice_number=f"B-{i:05d}",
            issue_date=date(2025, 3, 1 + i % 28), currency="EUR", subtotal=Decimal("100.00"),
            tax_total=Decimal("22.00"), total=Decimal("122.00"), project=project, finance_account=account,
            tax_rate=tax, recorded_at=timezone.now(), fields={"po_number": f"PO-{i}"},
        )  # fmt: skip
        document.original.save(document.filename, ContentFile(content), save=False)
        document.save()
        for j in range(attachments):
            attachment_add(
                document=document, name=f"extra-{i}-{j}.pdf", content=content + b"x" * j, actor=None
            )
        transition(document, "record", actor_label="benchmark")
        ids.append(document.pk)
    return company, ids


def publish_all(ids: list[int], concurrency: int) -> None:
    def publish(document_id: int) -> None:
        try:
            publish_document(document=Document.objects.get(pk=document_id), actor=None)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(publish, ids))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--new-suppliers", type=int, default=20)
    parser.add_argument("--attachments", type=int, default=1, help="extra files per document")
    parser.add_argument("--concurrency", type=int, default=4, help="publishing threads (workers)")
    parser.add_argument("--rate-limit", type=int, default=0, help="sandbox burst limit per 2 s (0 = off)")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    sandbox = start_in_thread(rate_limit=args.rate_limit)
    print(f"Scoro sandbox on {sandbox.base_url}; preparing {args.count} documents …", flush=True)
    company, ids = make_company(
        sandbox, count=args.count, new_suppliers=args.new_suppliers, attachments=args.attachments
    )
    sandbox.state.calls.clear()
    try:
        started = time.perf_counter()
        publish_all(ids, args.concurrency)
        seconds = time.perf_counter() - started

        attempts = PublishAttempt.objects.filter(document_id__in=ids)
        statuses = Counter(attempts.values_list("status", flat=True))
        calls = sandbox.calls()
        by_endpoint = dict(sorted(calls["by_endpoint"].items()))
        bills = [b for b in sandbox.records("bills") if str(b.get("no", "")).startswith("B-")]
        files_per_doc = 1 + args.attachments
        floor = args.count * (1 + 2 * files_per_doc) + args.new_suppliers
        print(f"\nPublished {statuses.get('published', 0)} of {args.count} documents ({dict(statuses)}) "
              f"in {seconds:.1f} s with {args.concurrency} threads")  # fmt: skip
        print(f"  documents/second:          {args.count / seconds:.1f}")
        print(f"  Scoro API calls/document:  {calls['total'] / args.count:.2f}  (total {calls['total']})")
        print(f"  floor calls/document:      {floor / args.count:.2f}  (1 create + {files_per_doc} × (upload + link) "
              f"+ {args.new_suppliers} new suppliers / {args.count})")  # fmt: skip
        print(f"  by endpoint:               {by_endpoint}")
        print(
            f"  bills in Scoro:            {len(bills)} (duplicates: {len(bills) - len({b['no'] for b in bills})})"
        )
        supplier_calls = sum(v for k, v in by_endpoint.items() if k.startswith("contacts/"))
        print(
            f"  calls per new supplier:    {supplier_calls / max(1, args.new_suppliers):.2f} "
            "(contacts/list lookups before each create avoid duplicating a contact Scoro already has)"
        )
    finally:
        if not args.keep:
            Document.objects.filter(company=company).delete()  # documents protect their coding
            company.delete()
        sandbox.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
