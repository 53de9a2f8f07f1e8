"""The catalog app: registers its stream handlers (books → search index) once Django is ready."""

from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"

    def ready(self):
        from catalog import stream_handlers  # noqa: F401  (registers on import; imports nothing heavy)
