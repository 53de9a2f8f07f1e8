"""The webhooks app: registers its stream handlers (order and stock events) and its outbound message handler."""

from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"

    def ready(self) -> None:
        from webhooks import message_handlers, stream_handlers  # noqa: F401  (they register on import)
