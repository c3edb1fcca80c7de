"""Deployment checks of our own (`manage.py check --deploy`): a process without DEBUG must not run on
the demo's secrets. production.py also refuses to start with any of these (EnvoiceConfig.ready)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register


def deploy_secret_problems() -> list[Error]:
    problems = []
    key = settings.ANYMAIL.get("MAILGUN_WEBHOOK_SIGNING_KEY") or ""
    if not key or key == settings.DEMO_MAILGUN_SIGNING_KEY:
        problems.append(
            Error(
                "MAILGUN_WEBHOOK_SIGNING_KEY is missing or the demo's: anyone could forge inbound mail.",
                hint="Set it to the webhook signing key of your Mailgun account (README, Inbound e-mail).",
                id="envoice.E001",
            )
        )
    if not settings.ENVOICE_FIELD_ENCRYPTION_KEYS:
        problems.append(
            Error(
                "ENVOICE_FIELD_ENCRYPTION_KEYS is not set: the Scoro API key would be encrypted with a "
                "key derived from SECRET_KEY.",
                hint='python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"',
                id="envoice.E002",
            )
        )
    if "testserver" in settings.ALLOWED_HOSTS or "*" in settings.ALLOWED_HOSTS:
        problems.append(
            Error(
                "ALLOWED_HOSTS contains 'testserver' or '*'.",
                hint="List only the host names the site is served under (DJANGO_ALLOWED_HOSTS).",
                id="envoice.E003",
            )
        )
    return problems


@register(Tags.security, deploy=True)
def check_deploy_secrets(app_configs=None, **kwargs) -> list[Error]:
    return [] if settings.DEBUG else deploy_secret_problems()
