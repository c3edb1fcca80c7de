"""POST /api/v1/documents/{id}/bank-account/ and the review screen's bank account panel: refusals by role,
by four eyes and by tenant; what the detail and the Inbox show."""

from __future__ import annotations

import pytest

from bookkeeping.models import ContactBankAccount
from publishing.models import PublishAttempt
from tests.documents.bank_accounts.conftest import NEW, ON_FILE

pytestmark = pytest.mark.django_db

CONFIRM = {"decision": "confirm", "iban": NEW}


def _post(client, document, data=CONFIRM):
    return client.post(f"/api/v1/documents/{document.pk}/bank-account/", data, format="json")


def test_detail_says_it_waits_and_who_may_confirm(api_client_for, recorded, admin_user, second_admin):
    document = recorded(by=admin_user)
    mine = api_client_for(admin_user).get(f"/api/v1/documents/{document.pk}/").json()
    assert mine["bank_account"] == {
        "iban": NEW,
        "state": "new",
        "known": [ON_FILE],
        "needs_confirmation": True,
        "can_confirm": False,
        "can_reject": True,
        "refusal": mine["bank_account"]["refusal"],
    }
    assert "second admin" in mine["bank_account"]["refusal"]
    assert any("second admin" in p for p in mine["problems"]["iban"])
    theirs = api_client_for(second_admin).get(f"/api/v1/documents/{document.pk}/").json()
    assert theirs["bank_account"]["can_confirm"] is True and theirs["bank_account"]["refusal"] == ""


def test_the_recorder_gets_403(api_client_for, recorded, admin_user):
    document = recorded(by=admin_user)
    response = _post(api_client_for(admin_user), document)
    assert response.status_code == 403
    assert "second admin" in response.json()["detail"]
    assert ContactBankAccount.objects.get(iban=NEW).status == "pending"


@pytest.mark.parametrize("role", ["accountant", "approver", "employee"])
def test_other_roles_get_403(api_client_for, recorded, request, role):
    user = request.getfixturevalue(role)
    response = _post(api_client_for(user), recorded())
    assert response.status_code == 403


def test_another_companys_document_is_404(api_client_for, recorded, other_user):
    response = _post(api_client_for(other_user), recorded())
    assert response.status_code == 404


def test_bad_input_is_400(api_client_for, recorded, second_admin):
    document = recorded()
    client = api_client_for(second_admin)
    assert _post(client, document, {"decision": "maybe", "iban": NEW}).status_code == 400
    assert _post(client, document, {"decision": "confirm"}).status_code == 400
    assert _post(client, document, {**CONFIRM, "extra": 1}).status_code == 400
    changed = _post(client, document, {"decision": "confirm", "iban": "FI1410093000123458"})
    assert changed.status_code == 400 and "look again" in changed.json()["detail"]


def test_a_second_admin_confirms(api_client_for, recorded, second_admin, supplier):
    document = recorded()
    response = _post(api_client_for(second_admin), document)
    assert response.status_code == 200
    body = response.json()
    assert body["bank_account"]["state"] == "known" and body["bank_account"]["needs_confirmation"] is False
    assert "iban" not in body["problems"]
    supplier.refresh_from_db()
    assert supplier.iban == NEW
    again = _post(api_client_for(second_admin), document)
    assert again.status_code == 409


def test_reject_through_the_api(api_client_for, recorded, admin_user):
    document = recorded(by=admin_user)
    response = _post(
        api_client_for(admin_user), document, {"decision": "reject", "iban": NEW, "reason": "fraud"}
    )
    assert response.status_code == 200 and response.json()["bank_account"]["state"] == "rejected"


def test_publish_route_refuses_with_the_reason(api_client_for, recorded, admin_user, company):
    from scoro_sync.models import ScoroConnection

    connection = ScoroConnection(
        company=company, state=ScoroConnection.State.CONNECTED, base_url="https://scoro.invalid"
    )
    connection.set_api_key("not-used")
    connection.save()
    document = recorded()
    response = api_client_for(admin_user).post(f"/api/v1/documents/{document.pk}/publish/", {}, format="json")
    assert response.status_code == 400 and "second admin" in response.json()["detail"]
    assert not PublishAttempt.objects.filter(document=document, status__in=["queued", "publishing"]).exists()


# ------------------------------------------------------------------------------------------- browser views
def test_review_page_shows_the_panel_and_the_form_only_to_a_second_admin(
    client, recorded, admin_user, second_admin
):
    document = recorded(by=admin_user)
    client.force_login(admin_user)
    page = client.get(f"/documents/{document.pk}/").content.decode()
    assert 'data-testid="bank-account-blocked"' in page and "LT60 1010 0123 4567 8901" in page
    assert 'data-testid="bank-account-confirm"' not in page
    assert 'data-testid="bank-account-refusal"' in page
    assert 'data-testid="bank-account-history"' in page
    client.force_login(second_admin)
    page = client.get(f"/documents/{document.pk}/").content.decode()
    assert 'data-testid="bank-account-confirm"' in page


def test_the_recorder_posting_the_form_is_refused_with_a_message(client, recorded, admin_user):
    document = recorded(by=admin_user)
    client.force_login(admin_user)
    response = client.post(f"/documents/{document.pk}/bank-account/", CONFIRM, follow=True)
    assert "a second admin has to confirm" in response.content.decode()
    assert ContactBankAccount.objects.get(iban=NEW).status == "pending"


def test_an_accountant_posting_the_form_gets_403(client, recorded, accountant):
    client.force_login(accountant)
    assert client.post(f"/documents/{recorded().pk}/bank-account/", CONFIRM).status_code == 403


def test_another_companys_admin_posting_the_form_gets_404(client, recorded, other_user):
    client.force_login(other_user)
    assert client.post(f"/documents/{recorded().pk}/bank-account/", CONFIRM).status_code == 404


def test_the_form_needs_a_csrf_token(recorded, second_admin):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(second_admin)
    assert client.post(f"/documents/{recorded().pk}/bank-account/", CONFIRM).status_code == 403
    assert ContactBankAccount.objects.get(iban=NEW).status == "pending"


def test_a_second_admin_confirms_in_the_browser(client, recorded, second_admin, supplier):
    document = recorded()
    client.force_login(second_admin)
    response = client.post(f"/documents/{document.pk}/bank-account/", CONFIRM, follow=True)
    page = response.content.decode()
    assert "Bank account confirmed" in page
    assert 'data-testid="bank-account-blocked"' not in page
    supplier.refresh_from_db()
    assert supplier.iban == NEW


def test_the_inbox_row_says_new_bank_account(client, bill, admin_user):
    bill()
    client.force_login(admin_user)
    page = client.get("/documents/").content.decode()
    assert "New bank account" in page or "new bank account" in page
