"""Session-wide test fixtures: the patched emulator on a free loopback port, and clean tables.

The port was chosen by the test settings, so the models already point at it. Tables are
created once; each test starts with every table empty.
"""

import itertools
from decimal import Decimal

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


# --- Composable fixtures: tenants, users, and API clients holding their tokens ----------

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def tenant():
    from accounts.services import tenant_create

    return tenant_create(tenant_id="tenant1", name="Tenant One").tenant


@pytest.fixture
def other_tenant():
    from accounts.services import tenant_create

    return tenant_create(tenant_id="tenant2", name="Tenant Two").tenant


def make_user(tenant_id: str, email: str, role: str = "customer"):
    from accounts.services import user_create

    return user_create(tenant_id=tenant_id, email=email, password=PASSWORD, first_name="Test", role=role)


def client_for(user):
    from rest_framework.test import APIClient

    from accounts.tokens import tokens_for_user

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_for_user(user)['access']}")
    return client


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def customer(tenant):
    return make_user("tenant1", "customer@example.com")


@pytest.fixture
def other_customer(tenant):
    return make_user("tenant1", "other@example.com")


@pytest.fixture
def admin(tenant):
    return make_user("tenant1", "admin@example.com", role="admin")


@pytest.fixture
def other_tenant_admin(other_tenant):
    return make_user("tenant2", "admin@tenant2.example.com", role="admin")


@pytest.fixture
def customer_client(customer):
    return client_for(customer)


@pytest.fixture
def other_customer_client(other_customer):
    return client_for(other_customer)


@pytest.fixture
def admin_client(admin):
    return client_for(admin)


@pytest.fixture
def other_tenant_admin_client(other_tenant_admin):
    return client_for(other_tenant_admin)


# --- Books ------------------------------------------------------------------------------

_serial = itertools.count(1)


def isbn13(serial: int) -> str:
    """A valid ISBN-13 (978 prefix, correct check digit) unique per serial."""
    from catalog.isbn import isbn13_check_digit

    body = f"978{serial:09d}"
    return body + isbn13_check_digit(body)


@pytest.fixture
def make_book(tenant):
    """Create an active book through the catalogue service; keywords override the defaults."""
    from catalog.services import book_create

    def make(tenant_id: str = "tenant1", **fields):
        defaults = {
            "isbn": isbn13(next(_serial)),
            "title": "Cien años de soledad",
            "author": "Gabriel García Márquez",
            "category": "Fiction",
            "price": Decimal("19.99"),
            "stock_quantity": 10,
            "language": "es",
        }
        return book_create(tenant_id=tenant_id, **{**defaults, **fields})

    return make


@pytest.fixture
def book(make_book):
    return make_book()
