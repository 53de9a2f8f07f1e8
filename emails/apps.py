"""The emails app: registers its stream handler (order emails) and its outbound message handler."""

from django.apps import AppConfig


class EmailsConfig(AppConfig):
    name = "emails"

    def ready(self):
        from emails import sending, stream_handlers  # noqa: F401  (register on import)
