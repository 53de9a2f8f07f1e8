"""The reviews app: registers its stream handlers (reviews → aggregates, purchases → verified buyers)."""

from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"

    def ready(self):
        from reviews import stream_handlers  # noqa: F401  (registers on import)
