import pytest


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
