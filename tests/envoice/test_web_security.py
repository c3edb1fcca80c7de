"""CSRF, cookies, security headers, password hashing and log-in rate limits (issue 10)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import global_settings
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.contrib.auth.hashers import make_password
print(json.dumps({
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "SESSION_COOKIE_HTTPONLY": settings.SESSION_COOKIE_HTTPONLY,
    "X_FRAME_OPTIONS": settings.X_FRAME_OPTIONS,
    "SECURE_CONTENT_TYPE_NOSNIFF": settings.SECURE_CONTENT_TYPE_NOSNIFF,
    "DEBUG": settings.DEBUG,
    "hash": make_password("correct horse battery staple"),
}))
"""


@pytest.fixture(scope="module")
def production_settings() -> dict:
    """Settings as a production process sees them: only the variables a deployment must set."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "CELERY_TASK_ALWAYS_EAGER", "ENVOICE_MANIFEST"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "envoice.settings.production",
            "DJANGO_SECRET_KEY": "production-like-secret-key-" + "x" * 40,
            "DJANGO_ALLOWED_HOSTS": "envoice.example.com",
            "DJANGO_READ_DOT_ENV_FILE": "false",
            # Without these production refuses to start (envoice/checks.py).
            "MAILGUN_WEBHOOK_SIGNING_KEY": "a-real-mailgun-webhook-signing-key",
            "ENVOICE_FIELD_ENCRYPTION_KEYS": "0" * 43 + "=",
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------
# CSRF
# ---------------------------------------------------------------------------------------------


def test_browser_posts_without_a_csrf_token_are_refused(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    response = client.post("/accounts/members/", {"email": "new@example.test", "role": "employee"})
    assert response.status_code == 403
    from accounts.models import Invitation

    assert not Invitation.objects.exists()


def test_browser_posts_with_the_csrf_token_are_accepted(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    client.get("/accounts/members/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/accounts/members/", {"email": "new@example.test", "role": "employee", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def test_log_in_form_needs_a_csrf_token(admin_user):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "admin", "password": "envoice-test"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_api_with_a_session_needs_csrf_but_token_auth_does_not(admin_user, api_client_for):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(admin_user)
    response = client.post("/api/v1/contacts/", {"name": "Forged OÜ"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    # A token is not sent automatically by a browser, so it is not a CSRF vector.
    assert (
        api_client_for(admin_user).post("/api/v1/contacts/", {"name": "Real OÜ"}, format="json").status_code
        == 201
    )


# ---------------------------------------------------------------------------------------------
# Cookies and headers
# ---------------------------------------------------------------------------------------------


def test_production_cookies_are_secure_and_session_cookie_is_http_only(production_settings):
    assert production_settings["DEBUG"] is False
    assert production_settings["SESSION_COOKIE_SECURE"] is True
    assert production_settings["CSRF_COOKIE_SECURE"] is True
    assert production_settings["SESSION_COOKIE_HTTPONLY"] is True


def test_secure_cookie_flags_reach_the_browser(admin_user, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    client = Client()
    client.get("/accounts/login/")
    response = client.post("/accounts/login/", {"username": "admin", "password": "envoice-test"})
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert client.cookies["csrftoken"]["secure"]


@pytest.mark.parametrize("path", ["/accounts/login/", "/dashboard/", "/documents/", "/api/v1/documents/"])
def test_security_headers(path, client, admin_user):
    client.force_login(admin_user)
    response = client.get(path)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    if not path.startswith("/api/"):
        assert response["X-Frame-Options"] == "DENY"


def test_production_headers_settings(production_settings):
    assert production_settings["X_FRAME_OPTIONS"] == "DENY"
    assert production_settings["SECURE_CONTENT_TYPE_NOSNIFF"] is True


# ---------------------------------------------------------------------------------------------
# Passwords
# ---------------------------------------------------------------------------------------------


def test_production_hashes_passwords_with_djangos_default(production_settings):
    algorithm = production_settings["hash"].split("$", 1)[0]
    assert algorithm in ("pbkdf2_sha256", "argon2")
    assert "correct horse" not in production_settings["hash"]


def test_sign_up_stores_a_pbkdf2_hash(client, settings):
    # The suite swaps in a fast hasher (tests/conftest.py); put Django's default back for this one.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    response = client.post(
        "/accounts/signup/",
        {
            "company_name": "Hash Check OÜ",
            "username": "hashcheck",
            "email": "hash@example.test",
            "password": "Very-long-pass-phrase-42",
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="hashcheck")
    assert user.password.startswith("pbkdf2_sha256$")
    assert "Very-long" not in user.password
    assert user.check_password("Very-long-pass-phrase-42")


# ---------------------------------------------------------------------------------------------
# Rate limits
# ---------------------------------------------------------------------------------------------


def _rate_limit() -> int:
    from django.conf import settings

    return int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login"].split("/")[0])


def test_token_endpoint_is_throttled(admin_user):
    client = APIClient()
    limit = _rate_limit()
    for _ in range(limit):
        response = client.post(
            "/api/v1/auth/token/", {"username": "admin", "password": "wrong"}, format="json"
        )
        assert response.status_code == 400
    response = client.post(
        "/api/v1/auth/token/", {"username": "admin", "password": "envoice-test"}, format="json"
    )
    assert response.status_code == 429
    assert "token" not in response.json()


def test_log_in_form_is_rate_limited_after_repeated_failures(admin_user):
    from accounts.throttling import MAX_FAILED_LOGINS

    client = Client()
    for _ in range(MAX_FAILED_LOGINS - 1):
        assert client.post("/accounts/login/", {"username": "admin", "password": "wrong"}).status_code == 200
    # The attempt that reaches the limit is refused as a lock-out already.
    assert client.post("/accounts/login/", {"username": "admin", "password": "wrong"}).status_code == 429
    response = client.post("/accounts/login/", {"username": "admin", "password": "envoice-test"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
