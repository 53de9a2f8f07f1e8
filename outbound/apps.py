"""The outbound app: the queue of work that leaves the stage (webhooks, emails) and the worker that does it."""

from django.apps import AppConfig


class OutboundConfig(AppConfig):
    name = "outbound"
