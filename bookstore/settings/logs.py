"""Logs: to the console, at LOG_LEVEL, with the chattiest libraries held at WARNING (production adds JSON lines)."""

from .env import env

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "botocore": {"level": "WARNING"},
        "pynamodb": {"level": "WARNING"},
        "elastic_transport": {"level": "WARNING"},  # one line per engine call otherwise
    },
}
