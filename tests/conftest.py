"""Project-wide fixtures.

Tests run against PostgreSQL and Redis (`make test` points DATABASE_URL / REDIS_URL at them).
Celery runs tasks eagerly here unless a test starts the real worker (tests/lifecycle, tests/publishing).
"""

import importlib.util

import pytest

# Fixture plugins; each is optional so a capability's fixtures land with it.
pytest_plugins = [
    p
    for p in ("tests.sandbox_fixtures", "tests.browser_fixtures", "tests.worker_fixtures")
    if importlib.util.find_spec(p)
]


# Tests that use these fixtures carry the marker even where the module forgot it, so
# `make test-fast` (-m "not browser and not e2e and not slow") never starts a browser or a worker.
MARKER_BY_FIXTURE = {
    "page": "browser",
    "browser": "browser",
    "celery_worker": "e2e",
    "celery_workers": "e2e",
    "broker_mode": "e2e",
}


def pytest_collection_modifyitems(items):
    for item in items:
        for fixture in set(getattr(item, "fixturenames", ())) & MARKER_BY_FIXTURE.keys():
            item.add_marker(MARKER_BY_FIXTURE[fixture])


@pytest.fixture(autouse=True)
def _isolated_storage_and_cache(settings, tmp_path):
    from django.core.cache import cache

    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def company(db):
    from tests.factories import CompanyFactory

    return CompanyFactory(name="Demo OÜ")


@pytest.fixture
def other_company(db):
    from tests.factories import CompanyFactory

    return CompanyFactory(name="Other Ltd")


def _member(company, role, username):
    from tests.factories import MembershipFactory

    return MembershipFactory(company=company, role=role, user__username=username).user


@pytest.fixture
def admin_user(company):
    return _member(company, "admin", "admin")


@pytest.fixture
def accountant(company):
    return _member(company, "accountant", "accountant")


@pytest.fixture
def approver(company):
    return _member(company, "approver", "approver")


@pytest.fixture
def employee(company):
    return _member(company, "employee", "employee")


@pytest.fixture
def other_user(other_company):
    return _member(other_company, "admin", "other")


@pytest.fixture
def api_client_for():
    """api_client_for(user) → a DRF APIClient authenticated with the user's token."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def make(user, company=None):
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        headers = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
        if company is not None:
            headers["HTTP_X_COMPANY"] = str(company.pk)
        client.credentials(**headers)
        return client

    return make


@pytest.fixture
def books(company):
    """A small chart of accounts, projects, tax rates and a supplier for the demo company."""
    from bookkeeping.models import Dimension, DimensionGroup, Product
    from tests.factories import ContactFactory, FinanceAccountFactory, ProjectFactory, TaxRateFactory

    objects = DimensionGroup.objects.create(company=company, name="Object")
    return {
        "supplier": ContactFactory(company=company, name="Zone Media OÜ", vat_no="EE100200300"),
        "project": ProjectFactory(company=company, name="Website"),
        "project2": ProjectFactory(company=company, name="Cloud platform"),
        "account": FinanceAccountFactory(company=company, code="4000", name="Hosting"),
        "account2": FinanceAccountFactory(company=company, code="4100", name="Software"),
        "tax": TaxRateFactory(company=company),
        "dimension": Dimension.objects.create(company=company, group=objects, code="TLN", name="Tallinn"),
        "product": Product.objects.create(company=company, name="Server rent"),
    }
