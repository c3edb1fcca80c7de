"""Issue 15, finding 3: failed log-ins are limited per account and per address on the token
endpoint, the log-in form and /admin/; a made-up X-Forwarded-For does not reset the count."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.throttling import MAX_FAILED_LOGINS, client_ip

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_rate_throttle(settings):
    # DRF's per-minute rate would answer 429 first; these tests are about the lock-out counts.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"login": "1000/min"}}


def test_token_endpoint_is_not_bypassed_with_x_forwarded_for(admin_user):
    client = APIClient()
    for n in range(MAX_FAILED_LOGINS + 5):
        response = client.post(
            "/api/v1/auth/token/",
            {"username": "admin", "password": "wrong"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"10.0.{n}.1",
        )
        assert response.status_code in (400, 429)
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "admin", "password": "envoice-test"},
        format="json",
        HTTP_X_FORWARDED_FOR="10.9.9.9",
    )
    assert response.status_code == 429 and "token" not in response.json()


def test_token_endpoint_locks_an_account_attacked_from_many_addresses(admin_user):
    client = APIClient()
    for n in range(MAX_FAILED_LOGINS):
        client.post(
            "/api/v1/auth/token/",
            {"username": "admin", "password": "wrong"},
            format="json",
            REMOTE_ADDR=f"192.0.2.{n + 1}",
        )
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "admin", "password": "envoice-test"},
        format="json",
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 429


def test_token_endpoint_locks_an_address_trying_many_accounts(admin_user, accountant):
    client = APIClient()
    for n in range(MAX_FAILED_LOGINS):
        client.post("/api/v1/auth/token/", {"username": f"nobody{n}", "password": "x"}, format="json")
    response = client.post(
        "/api/v1/auth/token/", {"username": "accountant", "password": "envoice-test"}, format="json"
    )
    assert response.status_code == 429


def test_admin_login_is_limited(admin_user):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client = Client()
    for _ in range(MAX_FAILED_LOGINS):
        client.post("/admin/login/", {"username": "admin", "password": "wrong"})
    response = client.post("/admin/login/?next=/admin/", {"username": "admin", "password": "envoice-test"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_log_in_form_is_limited_per_account(admin_user):
    for n in range(MAX_FAILED_LOGINS):
        Client(REMOTE_ADDR=f"192.0.2.{n + 1}").post(
            "/accounts/login/", {"username": "admin", "password": "wrong"}
        )
    client = Client(REMOTE_ADDR="198.51.100.7")
    response = client.post("/accounts/login/", {"username": "admin", "password": "envoice-test"})
    assert response.status_code == 429 and "_auth_user_id" not in client.session


def test_forwarded_for_is_believed_only_behind_configured_proxies(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.ENVOICE_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.ENVOICE_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"  # what our one proxy saw, not the client's claim
