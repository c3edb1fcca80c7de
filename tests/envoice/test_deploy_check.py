"""`manage.py check --deploy` is clean with production variables (issue 3)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

# Each test starts manage.py in a fresh interpreter.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_SECRETS = {
    "MAILGUN_WEBHOOK_SIGNING_KEY": "a-real-mailgun-webhook-signing-key",
    "ENVOICE_FIELD_ENCRYPTION_KEYS": "0" * 43 + "=",
}


def test_check_deploy_is_clean_with_production_variables():
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "CELERY_TASK_ALWAYS_EAGER", "ENVOICE_MANIFEST"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "envoice.settings.production",
            "DJANGO_SECRET_KEY": "x" * 20 + "-production-like-secret-key-with-enough-entropy-0123456789",
            "DJANGO_ALLOWED_HOSTS": "envoice.example.com",
            "DJANGO_SECURE_SSL_REDIRECT": "true",
            "DJANGO_SECURE_HSTS_SECONDS": "31536000",
            "DJANGO_READ_DOT_ENV_FILE": "false",
            **PRODUCTION_SECRETS,
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_defaults_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["DJANGO_READ_DOT_ENV_FILE"] = "false"
    env["DJANGO_SETTINGS_MODULE"] = "envoice.settings.production"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def _manage(settings_module: str, *args: str, **variables: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MAILGUN_", "ENVOICE_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": settings_module,
            "DJANGO_READ_DOT_ENV_FILE": "false",
            "DJANGO_SECRET_KEY": "x" * 20 + "-production-like-secret-key-with-enough-entropy-0123456789",
            "DJANGO_ALLOWED_HOSTS": "envoice.example.com",
            **variables,
        }
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_on_demo_secrets():
    """Issue 15, finding 4: production used the demo webhook key and a SECRET_KEY-derived encryption
    key whenever the variables were unset, and allowed 'testserver'."""
    result = _manage(
        "envoice.settings.production", "check", DJANGO_ALLOWED_HOSTS="envoice.example.com,testserver"
    )
    assert result.returncode != 0
    for code in ("envoice.E001", "envoice.E002", "envoice.E003"):
        assert code in result.stderr, result.stderr
    demo_key = _manage(
        "envoice.settings.production",
        "check",
        **{**PRODUCTION_SECRETS, "MAILGUN_WEBHOOK_SIGNING_KEY": "demo-mailgun-signing-key"},
    )
    assert demo_key.returncode != 0 and "envoice.E001" in demo_key.stderr
    assert _manage("envoice.settings.production", "check", **PRODUCTION_SECRETS).returncode == 0


def test_check_deploy_names_demo_secrets_without_debug():
    result = _manage("envoice.settings.local", "check", "--deploy", DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "envoice.E001" in result.stderr + result.stdout and "envoice.E002" in result.stderr + result.stdout
