from django.apps import AppConfig


class ScoroSyncConfig(AppConfig):
    name = "scoro_sync"
    verbose_name = "Scoro integration"
