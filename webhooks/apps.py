"""The webhooks app: registers its stream handlers (order and stock events) and its outbound message handler."""

from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
