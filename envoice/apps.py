from django.apps import AppConfig


class EnvoiceConfig(AppConfig):
    name = "envoice"
    verbose_name = "Envoice"
