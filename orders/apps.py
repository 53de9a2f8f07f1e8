"""The orders app: registers its stream handlers (purchases → sales counters) once Django is ready."""

from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"

    def ready(self):
        from orders import stream_handlers  # noqa: F401  (registers on import)
