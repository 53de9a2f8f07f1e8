"""The streams app: once the apps have registered their handlers, route Zappa's stream events to them."""

from django.apps import AppConfig


class StreamsConfig(AppConfig):
    name = "streams"

    def ready(self):
        from streams import zappa_routing

        zappa_routing.install()
