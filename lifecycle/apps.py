from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    name = "lifecycle"
    verbose_name = "Document lifecycle"

    def ready(self) -> None:
        # Registers the answers to what happens to documents and reports (core.hooks).
        from lifecycle import reactions  # noqa: F401
