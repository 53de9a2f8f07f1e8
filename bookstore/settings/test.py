"""Settings for pytest: the emulator runs in-process on a free loopback port chosen here.

The session fixture in conftest.py starts moto on EMULATOR_PORT before any table is touched.
"""

import socket

from .local import *  # noqa: F403
from .local import env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


DEBUG = False
STAGE = "test"
EMULATOR_PORT = int(env("EMULATOR_PORT") or _free_port())
DYNAMODB_ENDPOINT_URL = f"http://127.0.0.1:{EMULATOR_PORT}"
DYNAMODB_TABLE_PREFIX = "bookstore-test-"
TENANT_CACHE_SECONDS = 0
# bcrypt at its production cost makes every register and login take a quarter of a second.
PASSWORD_HASHERS = ["bookstore.local.hashers.LowCostBCryptSHA256PasswordHasher"]
