"""The project's own app: registers the OpenAPI extensions once Django is ready."""

from django.apps import AppConfig


class BookstoreConfig(AppConfig):
    name = "bookstore"

    def ready(self):
        from bookstore import openapi  # noqa: F401  (registers the extensions on import)
