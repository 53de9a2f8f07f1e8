"""Logs: to the console, at LOG_LEVEL, with the chattiest libraries held at WARNING (production adds JSON lines).

The metrics (bookstore/metrics.py) are log lines too, one EMF object each: they go to standard
output as they are, whatever LOG_LEVEL says, or to METRICS_LOG_FILE when it is set (locally, to
read them apart from the console). On Lambda, standard output is the function's log group,
where CloudWatch extracts the metrics.
"""

from .env import env

METRICS_LOG_FILE = env("METRICS_LOG_FILE", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"emf": {"format": "%(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "metrics": (
            {"class": "logging.FileHandler", "filename": METRICS_LOG_FILE, "formatter": "emf", "delay": True}
            if METRICS_LOG_FILE
            else {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "emf"}
        ),
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "botocore": {"level": "WARNING"},
        "pynamodb": {"level": "WARNING"},
        "elastic_transport": {"level": "WARNING"},  # one line per engine call otherwise
        # The metrics are data, not chatter: never filtered by LOG_LEVEL, never wrapped by another formatter.
        "bookstore.emf": {"handlers": ["metrics"], "level": "INFO", "propagate": False},
    },
}
