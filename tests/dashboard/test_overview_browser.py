"""The Overview page in Debian's chromium: charts drawn from the vendored Chart.js, figures visible."""

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from documents.choices import DocumentStatus as S
from documents.choices import DocumentType
from scoro_sync.models import ApiCallCount, ScoroConnection
from scoro_sync.services import scoro_today
from tests.browser_fixtures import login
from tests.factories import DocumentFactory, ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUPPLIERS = [
    "Telia Eesti AS",
    "Elektrum Eesti OÜ",
    "Rimi Eesti Food AS",
    "Bolt Operations OÜ",
    "Circle K Eesti AS",
]
FIELDS = {
    "supplier_name": "Telia Eesti AS",
    "invoice_number": "INV-1",
    "issue_date": "2026-01-01",
    "currency": "EUR",
    "total": "10.00",
    "subtotal": "8.20",
    "tax_total": "1.80",
}


def _ledger(company, accountant):
    rng = random.Random(7)
    today = timezone.localdate()
    projects = [
        ProjectFactory(company=company, name=n)
        for n in ("Website relaunch", "Tallinn office", "Sales Q1", "Riga expansion")
    ]
    for n in range(60):
        status = rng.choice([S.PUBLISHED] * 6 + [S.READY, S.TO_REVIEW, S.IN_APPROVAL, S.PUBLISH_FAILED])
        corrected = rng.sample(
            ["total", "issue_date", "supplier_name", "invoice_number"], k=rng.choice([0, 0, 0, 1])
        )
        DocumentFactory(
            company=company,
            status=status,
            type=rng.choice(
                [DocumentType.PURCHASE_INVOICE, DocumentType.PURCHASE_INVOICE, DocumentType.RECEIPT]
            ),
            supplier_name=rng.choice(SUPPLIERS),
            invoice_number=f"INV-{1000 + n}",
            project=rng.choice([*projects, None]),
            total=Decimal(rng.randint(2000, 250000)) / 100,
            currency="EUR",
            issue_date=today - timedelta(days=rng.randint(0, 330)),
            fields=FIELDS,
            corrected_fields=corrected,
            assigned_to=accountant if status == S.TO_REVIEW else None,
        )
    ScoroConnection.objects.create(company=company, state="connected", daily_call_budget=1000)
    for back in range(14):
        ApiCallCount.objects.create(
            company=company, day=scoro_today() - timedelta(days=back), calls=rng.randint(40, 420)
        )


def test_overview_page_draws_its_charts(page, live_server, company, accountant, screenshot):
    _ledger(company, accountant)
    login(page, live_server, "accountant")
    page.goto(f"{live_server.url}/dashboard/")
    assert page.locator("h1").inner_text() == "Overview"
    assert page.locator("nav.mainnav a[aria-current=page]").inner_text() == "Overview"
    # Chart.js drew into each canvas (it sets the canvas size and its own instance registry).
    page.wait_for_function("() => Chart.getChart('chart-spend-month') && Chart.getChart('chart-api-calls')")
    assert page.evaluate("() => Chart.getChart('chart-spend-project').data.labels.length") >= 4
    assert page.locator("[data-testid=kpi-waiting] .kpi-value").inner_text().strip() != "0"
    assert "%" in page.locator("[data-testid=kpi-accuracy] .kpi-value").inner_text()
    # The money axis reads as money: distinct amounts, not "€1 €1 €1 … €0".
    ticks = page.evaluate("() => Chart.getChart('chart-spend-month').scales.y.ticks.map(t => t.label)")
    assert len(ticks) >= 3 and len(set(ticks)) == len(ticks) and all("€" in t for t in ticks), ticks
    # Field names as people write them.
    fields = page.locator("[data-field] td:first-child").all_inner_texts()
    assert {"Invoice number", "Issue date"} <= set(fields)
    assert not {"Po number", "Iban", "Supplier vat no"} & set(fields)
    path = screenshot(page, "overview")
    assert path.exists()


def test_small_amounts_and_waiting_for_anyone(page, live_server, company, accountant, screenshot):
    """A month of a few euros still gets a readable axis; unassigned documents wait for the accountant."""
    today = timezone.localdate()
    for n in range(3):
        DocumentFactory(
            company=company,
            status=S.PUBLISHED,
            total=Decimal("0.40") * (n + 1),
            currency="EUR",
            issue_date=today,
        )
    for n in range(4):
        DocumentFactory(company=company, status=S.TO_REVIEW, supplier_name=f"Supplier {n}")
    login(page, live_server, "accountant")
    page.goto(f"{live_server.url}/dashboard/")
    page.wait_for_function("() => Chart.getChart('chart-spend-month')")
    ticks = page.evaluate("() => Chart.getChart('chart-spend-month').scales.y.ticks.map(t => t.label)")
    assert len(set(ticks)) == len(ticks), ticks
    assert page.locator("[data-testid=kpi-waiting] .kpi-value").inner_text().strip() == "4"
    screenshot(page, "overview-small")
