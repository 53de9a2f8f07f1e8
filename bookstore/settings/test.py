"""Settings for pytest: the emulator and the search server run on free loopback ports chosen here.

The session fixtures of `testing.fixtures` start moto on EMULATOR_PORT before any table is
touched, and noida-db on SEARCH_PORT before any index is. Each pytest-xdist worker loads these
settings in its own process, so each picks its own ports (below the ephemeral range, where no
outgoing connection takes them before the servers bind them).
"""

import tempfile
from pathlib import Path

from local_stack.processes import free_port as _free_port

from .env import env
from .local import *  # noqa: F403
from .stage import stage_names

STAGE = "test"
# The test stage's own names, whatever the shell exports: a test never names another stage's resources.
globals().update(stage_names(STAGE, env=lambda variable, derived: derived))

DEBUG = False
EMULATOR_PORT = int(env("EMULATOR_PORT") or _free_port())
DYNAMODB_ENDPOINT_URL = f"http://127.0.0.1:{EMULATOR_PORT}"
AWS_ENDPOINT_URL = DYNAMODB_ENDPOINT_URL
TENANT_CACHE_SECONDS = 0
# The session fixture starts noida-db on this port with a temporary data folder.
SEARCH_PORT = int(env("SEARCH_PORT") or _free_port())
ELASTICSEARCH_URL = f"http://127.0.0.1:{SEARCH_PORT}"
ELASTICSEARCH_URLS: dict[str, str] = {}
# On a loaded machine (CI with the other core busy) a large bulk index can outlast the default 5 s
# and turn into a 503. The outage tests stop the engine: a refused connection fails at once anyway.
ELASTICSEARCH_TIMEOUT_SECONDS = 60
# bcrypt at its production cost makes every register and login take a quarter of a second.
PASSWORD_HASHERS = ["local_stack.hashers.LowCostBCryptSHA256PasswordHasher"]
# Retries of failing stream records happen at once; tests count attempts, never wait for them.
# (A poller the resilience suites run in another process sets a real backoff through the environment.)
STREAMS_RETRY_BACKOFF_SECONDS = float(env("STREAMS_RETRY_BACKOFF_SECONDS", "0"))
STREAMS_MAX_ATTEMPTS = 3
# The data lake in a fresh folder per session; lake tests point it at their own tmp_path, and a
# poller the resilience suites run in another process at the same folder (ANALYTICS_LAKE_DIR).
STORAGES = {
    **STORAGES,  # noqa: F405
    "analytics": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env("ANALYTICS_LAKE_DIR") or tempfile.mkdtemp(prefix="bookstore-lake-"),
            "allow_overwrite": True,
        },
    },
}
# Never the repository's .local/: tests that need local state use their own tmp_path.
LOCAL_STATE_DIR = Path(tempfile.mkdtemp(prefix="bookstore-local-"))
# Per-tenant rate limits would add a write to every request; the tests that check them turn them on.
TENANT_RATE_LIMITS_ENABLED = False
# Tests see their own writes at once; the report cache has its own tests.
ANALYTICS_CACHE_SECONDS = 0
# Messages due later are visible at once: tests move the application clock, and `queue_drain` puts
# back what is not due yet.
OUTBOUND_MAX_DELAY_SECONDS = 0
# Webhook host names resolve through a table the tests fill (testing/resolver.py), never through DNS.
WEBHOOKS_RESOLVER = "testing.resolver.resolve"
