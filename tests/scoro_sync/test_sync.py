"""Pulling background data from the live sandbox: full and incremental, every type, deactivation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bookkeeping.models import (
    Contact,
    Dimension,
    DimensionGroup,
    FinanceAccount,
    Product,
    Project,
    ScoroUser,
    TaxRate,
)
from scoro_sync.models import ApiCallCount, ScoroConnection, SyncRun
from scoro_sync.sync import SyncRunner

pytestmark = pytest.mark.django_db(transaction=False)


def run_sync(company, *, types=None, full=False) -> SyncRun:
    run = SyncRun.objects.create(company=company, types=types or [], trigger="manual")
    return SyncRunner(run=run).execute(full=full)


def test_full_sync_pulls_every_type(connected, company, sandbox):
    run = SyncRun.objects.for_company(company).get()
    assert run.trigger == "connect" and run.kind == "full"
    assert run.status == SyncRun.Status.SUCCEEDED and run.finished_at and run.progress == "Finished"
    # Finance accounts: all active ones, with codes; the inactive "4999" is not imported.
    accounts = FinanceAccount.objects.for_company(company)
    assert accounts.get(code="4100").name == "Office supplies"
    assert not accounts.filter(code="4999").exists()
    # Accounting objects land in their parent group, "Object" otherwise.
    dims = Dimension.objects.for_company(company).select_related("group")
    assert dims.get(code="TLN").group.name == DimensionGroup.OBJECT
    assert dims.get(code="DEV").group.name == "Department"
    # Projects: active only.
    projects = Project.objects.for_company(company)
    assert projects.count() > 0
    assert set(projects.values_list("status", flat=True)) <= set(Project.ACTIVE_STATUSES)
    # Tax rates with percent.
    assert TaxRate.objects.for_company(company).get(code="22").percent == Decimal("22.00")
    # Products link to tax rate and finance account.
    product = Product.objects.for_company(company).get(code="PAP-A4")
    assert product.default_tax_rate.code == "22" and product.finance_account.code == "4100"
    # Users: active ones.
    assert ScoroUser.objects.for_company(company).filter(is_active=True).count() == 4
    # Contacts, companies and persons.
    contacts = Contact.objects.for_company(company)
    nordic = contacts.get(name="Nordic Cloud Services Oy")
    assert nordic.country == "FIN" and nordic.vat_no == "FI23456781" and nordic.iban.startswith("FI")
    assert contacts.filter(contact_type="person").exists()
    # The run's numbers and the connection's marks.
    assert run.counts["contacts"]["created"] == contacts.count() == len(sandbox.records("contacts"))
    assert (
        run.api_calls == sum(v for k, v in sandbox.calls()["by_endpoint"].items() if k.endswith("/list")) - 2
    )  # the two users/list calls of activation are not part of the run
    assert ApiCallCount.objects.get(company=company).calls >= run.api_calls
    assert set(connected.sync_marks) >= {"contacts", "projects", "products"}


def test_incremental_sync_asks_only_for_changes(connected, company, sandbox):
    sandbox.state.calls.clear()
    sandbox.modify("contacts", 5, {"name": "Renamed Supplier OÜ"})
    sandbox.modify("projects", 1, {"status": "completed"})
    sandbox.modify("products", 3, {"name": "Docking station v2"})
    sandbox.modify("contacts", 6, {}, delete=True)
    new_project = sandbox.modify("projects", None, {"project_name": "New build", "status": "inprogress"})
    run = run_sync(company)
    assert run.kind == "incremental"
    calls = sandbox.calls()["by_endpoint"]
    # One page per incremental type (only today's changes), full lists for the small catalogues.
    assert calls["contacts/list"] == 1 and calls["projects/list"] == 1 and calls["products/list"] == 1
    assert Contact.objects.for_company(company).get(scoro_id=5).name == "Renamed Supplier OÜ"
    assert not Contact.objects.for_company(company).get(scoro_id=6).is_active
    assert not Project.objects.for_company(company).get(scoro_id=1).is_active
    assert Project.objects.for_company(company).get(scoro_id=new_project["project_id"]).is_active
    assert Product.objects.for_company(company).get(scoro_id=3).name == "Docking station v2"
    assert run.counts["contacts"] == {"created": 0, "updated": 1, "deactivated": 1}
    assert run.counts["projects"] == {"created": 1, "updated": 0, "deactivated": 1}
    assert run.counts["products"]["updated"] == 1


def test_small_catalogues_relisted_and_vanished_rows_deactivated(connected, company, sandbox):
    sandbox.modify("financeAccounts", 10, {"is_active": False})
    sandbox.modify("vatCodes", 2, {}, delete=True)
    sandbox.modify("users", 2, {"status": "inactive"})
    with sandbox.store.lock:  # an accounting object removed outright
        del sandbox.store.records["financeObjects"][5]
    sandbox.modify("financeObjects", 6, {"name": "Tartu office (new)"})
    run = run_sync(company)
    assert not FinanceAccount.objects.for_company(company).get(scoro_id=10).is_active
    assert not TaxRate.objects.for_company(company).get(scoro_id=2).is_active
    assert not ScoroUser.objects.for_company(company).get(scoro_id=2).is_active
    assert not Dimension.objects.for_company(company).get(scoro_id=5).is_active
    assert Dimension.objects.for_company(company).get(scoro_id=6).name == "Tartu office (new)"
    assert run.counts["accounts"]["deactivated"] == 1
    assert run.counts["dimensions"] == {"created": 0, "updated": 1, "deactivated": 1}
    # Nothing is ever hard-deleted.
    assert FinanceAccount.objects.for_company(company).filter(scoro_id=10).exists()


def test_second_sync_without_changes_changes_nothing(connected, company, sandbox):
    run = run_sync(company)
    for name, counts in run.counts.items():
        assert counts == {"created": 0, "updated": 0, "deactivated": 0}, name


def test_sync_of_one_type(connected, company, sandbox):
    sandbox.state.calls.clear()
    run = run_sync(company, types=["tax_rates"])
    assert list(run.counts) == ["tax_rates"]
    assert set(sandbox.calls()["by_endpoint"]) == {"vatCodes/list"}
    connected.refresh_from_db()
    assert connected.state == ScoroConnection.State.CONNECTED
