"""The analytics app: registers its stream handlers (purchases → data lake) once Django is ready."""

from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"

    def ready(self):
        from analytics import stream_handlers  # noqa: F401  (registers on import; pyarrow loads on first batch)
