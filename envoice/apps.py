from django.apps import AppConfig
from django.core.signals import request_finished, request_started

from core import logs


class EnvoiceConfig(AppConfig):
    name = "envoice"
    verbose_name = "Envoice"

    def ready(self) -> None:
        request_started.connect(logs.request_started, dispatch_uid="core.logs.request_started")
        request_finished.connect(logs.request_finished, dispatch_uid="core.logs.request_finished")
