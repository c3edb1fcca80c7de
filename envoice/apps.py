from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import request_finished, request_started

from core import logs


class EnvoiceConfig(AppConfig):
    name = "envoice"
    verbose_name = "Envoice"

    def ready(self) -> None:
        request_started.connect(logs.request_started, dispatch_uid="core.logs.request_started")
        request_finished.connect(logs.request_finished, dispatch_uid="core.logs.request_finished")
        from envoice import checks  # registers the deploy checks

        if settings.ENVOICE_REFUSE_DEMO_SECRETS and not settings.DEBUG:
            problems = checks.deploy_secret_problems()
            if problems:
                raise ImproperlyConfigured(
                    "Refusing to start: " + " ".join(f"{p.msg} ({p.id}: {p.hint})" for p in problems)
                )
