"""Fixtures of the resilience suites: the API served by gunicorn against the session emulator.

`served_api` is the project served as in production (gunicorn, 2 worker processes, on
loopback) but reading and writing the same emulator as the test process, so tests build
their world with the usual factories and then hit the API over real HTTP from many
clients at once. `bearer(user)` gives the headers of a user's access token.
"""

import pytest


@pytest.fixture(scope="session")
def served_api(emulator, tmp_path_factory):
    """The base URL of the API served by gunicorn (2 workers) against the session emulator."""
    from django.conf import settings

    from local_stack.processes import Stack

    stack = Stack(emulator_port=settings.EMULATOR_PORT, log_dir=tmp_path_factory.mktemp("served-api"))
    api = stack.serve_api(workers=2)
    yield api.url
    api.stop()


@pytest.fixture
def bearer():
    """`bearer(user)`: request headers carrying the user's access token."""
    from accounts.tokens import tokens_for_user

    return lambda user: {"Authorization": f"Bearer {tokens_for_user(user)['access']}"}
