from django.apps import AppConfig


class ScoroSyncConfig(AppConfig):
    name = "scoro_sync"
    verbose_name = "Scoro integration"

    def ready(self) -> None:
        # Registers the answer to local contact changes (core.hooks).
        from scoro_sync import contacts  # noqa: F401
