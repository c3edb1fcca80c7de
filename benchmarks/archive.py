"""Benchmark the Inbox and Archive pages and their API at 100,000 documents.

    DATABASE_URL=postgres://… python benchmarks/archive.py [--count 100000] [--runs 30] [--keep]

Creates a throw-away company, measures every page at 1,000 documents, fills the company to --count
with bulk_create, measures again, and prints p50/p95 milliseconds and the SQL query count of each
page at both sizes: the count must not grow with the number of documents (target p95 < 150 ms).
The company and its documents are deleted at the end unless --keep is given.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "envoice.settings.production")
# Production settings (DEBUG off) without collected static files or a real secret.
os.environ.setdefault("ENVOICE_MANIFEST_STATIC", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key")
# Production refuses to start on the demo's secrets (envoice/checks.py); benchmark-only ones.
os.environ.setdefault("MAILGUN_WEBHOOK_SIGNING_KEY", "benchmark-only-signing-key")
os.environ.setdefault("ENVOICE_FIELD_ENCRYPTION_KEYS", "0" * 43 + "=")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import Company, Membership, Role  # noqa: E402
from bookkeeping.models import Contact, FinanceAccount, Project  # noqa: E402
from documents.choices import DocumentStatus, DocumentType  # noqa: E402
from documents.models import Document  # noqa: E402

PAGES = [
    ("Inbox", "/documents/"),
    ("Inbox, sorted by total", "/documents/?sort=-total"),
    ("Inbox, search", "/documents/?q=Supplier+7"),
    ("Purchases › Archive", "/documents/purchases/archive/"),
    ("Purchases › Archive, published", "/documents/purchases/archive/?published=published"),
    ("Archive, page 200", "/documents/archive/?page=200"),
    ("API list, to review", "/api/v1/documents/?status=to_review"),
    ("API list, published", "/api/v1/documents/?published=true&type=purchase_invoice"),
    ("API list, search", "/api/v1/documents/?q=Supplier+7"),
]
STATUSES = [
    (DocumentStatus.TO_REVIEW, 15),
    (DocumentStatus.READY, 10),
    (DocumentStatus.QUEUED, 1),
    (DocumentStatus.PUBLISHED, 70),
    (DocumentStatus.PUBLISH_FAILED, 2),
    (DocumentStatus.IN_APPROVAL, 2),
]
TYPES = [(DocumentType.PURCHASE_INVOICE, 80), (DocumentType.RECEIPT, 15), (DocumentType.SALES_INVOICE, 5)]


def _weighted(pairs):
    population, weights = zip(*pairs, strict=True)
    return random.choices(population, weights=weights)[0]


def fill(company: Company, *, upto: int, suppliers, projects, accounts, batch: int = 5000) -> None:
    have = Document.objects.filter(company=company).count()
    start = date(2023, 1, 1)
    while have < upto:
        rows = []
        for n in range(have, min(upto, have + batch)):
            supplier = suppliers[n % len(suppliers)]
            status = _weighted(STATUSES)
            total = Decimal(random.randint(100, 900_000)) / 100
            rows.append(
                Document(
                    company=company,
                    type=_weighted(TYPES),
                    status=status,
                    original=f"originals/bench/{n}.pdf",
                    filename=f"invoice-{n}.pdf",
                    content_type="application/pdf",
                    size=12345,
                    sha256=uuid.uuid4().hex * 2,
                    supplier=supplier if status != DocumentStatus.TO_REVIEW or n % 3 else None,
                    supplier_name=supplier.name,
                    invoice_number=f"INV-{n:07d}",
                    issue_date=start + timedelta(days=n % 700),
                    currency="EUR",
                    total=total,
                    subtotal=(total / Decimal("1.22")).quantize(Decimal("0.01")),
                    project=projects[n % len(projects)] if status != DocumentStatus.TO_REVIEW else None,
                    finance_account=accounts[n % len(accounts)]
                    if status != DocumentStatus.TO_REVIEW
                    else None,
                    fields={"total": str(total), "supplier_name": supplier.name},
                    confidence={"total": 0.9, "supplier_name": 0.8, "invoice_number": 0.95},
                    warnings=["Lines add up to 1.00 but the total says 2.00"] if n % 17 == 0 else [],
                )
            )
        with transaction.atomic():
            Document.objects.bulk_create(rows, batch_size=1000)
        have += len(rows)
        print(f"  {have:>7} documents", end="\r", flush=True)
    print()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE documents_document")  # as autovacuum would


def measure(client: Client, url: str, runs: int) -> tuple[float, float, int]:
    client.get(url)  # warm up
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code)
        times.append(elapsed)
        queries = len(ctx.captured_queries)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    return statistics.median(times), p95, queries


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark company afterwards")
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    random.seed(7)

    from django.contrib.auth import get_user_model

    tag = uuid.uuid4().hex[:6]
    company = Company.objects.create(name=f"Benchmark {tag}")
    user = get_user_model().objects.create_user(username=f"bench-{tag}", password=uuid.uuid4().hex)
    Membership.objects.create(user=user, company=company, role=Role.ACCOUNTANT)
    suppliers = Contact.objects.bulk_create(
        [Contact(company=company, name=f"Supplier {i} OÜ") for i in range(300)]
    )
    projects = Project.objects.bulk_create([Project(company=company, name=f"Project {i}") for i in range(40)])
    accounts = FinanceAccount.objects.bulk_create(
        [FinanceAccount(company=company, code=f"4{i:03d}", name=f"Account {i}") for i in range(30)]
    )
    client = Client()
    client.force_login(user)
    try:
        results = {}
        for size in (1_000, args.count):
            print(f"Filling to {size:,} documents…")
            fill(company, upto=size, suppliers=suppliers, projects=projects, accounts=accounts)
            for label, url in PAGES:
                results[(label, size)] = measure(client, url, args.runs)
        small, large = 1_000, args.count
        print(
            f"\n{'page':<34} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}  (at {large:,}; queries at {small:,})"
        )
        worst, growing = 0.0, []
        for label, _url in PAGES:
            p50, p95, q = results[(label, large)]
            q_small = results[(label, small)][2]
            worst = max(worst, p95)
            if q != q_small:
                growing.append(label)
            print(f"{label:<34} {p50:>8.1f} {p95:>8.1f} {q:>8}  ({q_small})")
        print(f"\nworst p95: {worst:.1f} ms (target < 150 ms)")
        print(
            "query counts independent of the number of documents: "
            + ("yes" if not growing else f"NO: {growing}")
        )
        return 0 if worst < 150 and not growing else 1
    finally:
        if not args.keep:
            print("Cleaning up…")
            Document.objects.filter(company=company).delete()
            company.delete()
            user.delete()


if __name__ == "__main__":
    sys.exit(main())
