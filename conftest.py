"""Session-wide test fixtures: the patched emulator on a free loopback port, and clean tables.

The port was chosen by the test settings, so the models already point at it. Tables are
created once; each test starts with every table empty.
"""

import pytest
from django.conf import settings

from bookstore.dynamodb.registry import create_tables, registered_models
from bookstore.local.emulator import start_emulator


@pytest.fixture(scope="session", autouse=True)
def emulator():
    server = start_emulator(port=settings.EMULATOR_PORT)
    create_tables()
    yield server
    server.stop()


def _empty(model) -> None:
    with model.batch_write() as batch:
        for item in model.scan():
            batch.delete(item)


@pytest.fixture(autouse=True)
def clean_tables(emulator):
    yield
    for model in registered_models():
        _empty(model)
