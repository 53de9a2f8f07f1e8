"""The catalog app: registers its stream handlers (books → search index) and the search health probe."""

from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"

    def ready(self) -> None:
        from bookstore.health import register_probe
        from catalog import stream_handlers  # noqa: F401  (registers on import; imports nothing heavy)
        from catalog.search.engine import engine_reachable

        register_probe("search", engine_reachable)
