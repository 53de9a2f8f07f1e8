"""The emails app: registers its stream handler (order emails) and its outbound message handler."""

from django.apps import AppConfig


class EmailsConfig(AppConfig):
    name = "emails"
