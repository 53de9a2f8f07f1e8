"""The project's own app: once Django is ready, the OpenAPI extensions, the DynamoDB capacity hooks, tracing."""

from django.apps import AppConfig


class BookstoreConfig(AppConfig):
    name = "bookstore"

    def ready(self):
        from bookstore import openapi  # noqa: F401  (registers the extensions on import)
        from bookstore.dynamodb.capacity import observe_pynamodb_connections
        from bookstore.tracing import tracing_install

        observe_pynamodb_connections()
        tracing_install()
