"""The demo step connects Demo OÜ to the sandbox and syncs it; running it twice is harmless."""

from bookkeeping.models import Contact
from scoro_sync.demo import SANDBOX_ACCOUNT_ID, SANDBOX_API_KEY, connect_demo_company
from scoro_sync.models import ScoroConnection, SyncRun


def test_demo_step(company, sandbox, settings):
    assert (sandbox.api_key, sandbox.company_account_id) == (SANDBOX_API_KEY, SANDBOX_ACCOUNT_ID)
    settings.SCORO_SANDBOX_URL = sandbox.base_url
    connect_demo_company(company)
    assert ScoroConnection.objects.get(company=company).is_connected
    assert SyncRun.objects.for_company(company).get().status == SyncRun.Status.SUCCEEDED
    assert Contact.objects.for_company(company).count() == len(sandbox.records("contacts"))
    connect_demo_company(company)
    assert SyncRun.objects.for_company(company).filter(status="succeeded").count() == 2


def test_demo_step_without_sandbox(company, settings, caplog):
    settings.SCORO_SANDBOX_URL = ""
    connect_demo_company(company)
    assert not ScoroConnection.objects.filter(company=company).exists()
