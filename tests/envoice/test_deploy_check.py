"""`manage.py check --deploy` is clean with production variables (issue 3)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

# Each test starts manage.py in a fresh interpreter.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


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
