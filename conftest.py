"""Session-wide test fixtures: the patched emulator and noida-db, clean state, and factories that compose.

Both run on the free loopback ports the test settings chose, so the models and the search
client already point at them. Tables are created once; each test starts with every table
empty, no search index and the tenant cache cleared. Tests build their world with the factories
below (`tenant_factory`, `user_factory`, `book_factory`, `cart_with`, `placed_order`,
`client_for`) and never import this module.
"""

import itertools
import uuid
from collections import Counter
from decimal import Decimal

import pytest
from django.conf import settings

from bookstore.dynamodb.registry import create_tables, registered_models
from local_stack.emulator import start_emulator

PASSWORD = "correct-horse-battery-staple"
ADDRESS = {"line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013", "country": "ES"}
_serial = itertools.count(1)


@pytest.fixture(scope="session", autouse=True)
def emulator():
    server = start_emulator(port=settings.EMULATOR_PORT)
    create_tables()
    yield server
    server.stop()


@pytest.fixture(scope="session", autouse=True)
def search_engine(tmp_path_factory):
    """noida-db (the Elasticsearch API) on SEARCH_PORT, with a temporary data folder, for the session."""
    from local_stack.search_engine import start_search_engine

    engine = start_search_engine(port=settings.SEARCH_PORT, data_dir=tmp_path_factory.mktemp("noida-db"))
    yield engine
    engine.stop()


def _empty(model) -> None:
    with model.batch_write() as batch:
        for item in model.scan():
            batch.delete(item)


@pytest.fixture(autouse=True)
def clean_tables(emulator):
    from bookstore.ratelimit import over_limit
    from bookstore.tenancy import unknown_tenant_buckets
    from bookstore.tenants import tenant_cache

    yield
    tenant_cache.clear()
    over_limit.clear()
    unknown_tenant_buckets.clear()
    for model in registered_models():
        _empty(model)


@pytest.fixture(autouse=True)
def clean_search_indexes(search_engine):
    """Drop every index of the test stage after each test (one GET when there is none)."""
    yield
    if not search_engine.is_running():  # a test stopped it; the fixture that did restarts it
        return
    from elasticsearch import Elasticsearch

    from catalog.search.index import forget_known_indexes

    client = Elasticsearch(search_engine.url)
    for name in client.indices.get(index="bookstore-test-books-*"):
        client.indices.delete(index=name)
    forget_known_indexes()
    client.close()


@pytest.fixture
def clock():
    """The application clock, pinned at the current time; `clock.set(...)` and `clock.advance(...)` move it."""
    from bookstore.dynamodb import clock as app_clock

    app_clock.set_now(app_clock.now())

    class Clock:
        now = staticmethod(app_clock.now)
        set = staticmethod(app_clock.set_now)
        advance = staticmethod(app_clock.advance)

    yield Clock()
    app_clock.set_now(None)


@pytest.fixture
def password():
    """The password every factory-made user has."""
    return PASSWORD


# --- Tenants and users ------------------------------------------------------------------


@pytest.fixture
def tenant_factory():
    """`tenant_factory(tenant_id=None, name=None)`: an active tenant (a fresh id unless one is given)."""
    from bookstore.tenants import tenant_create

    def make(tenant_id: str | None = None, name: str | None = None):
        tenant_id = tenant_id or f"shop-{next(_serial)}"
        return tenant_create(tenant_id=tenant_id, name=name or f"Shop {tenant_id}").tenant

    return make


@pytest.fixture
def tenant(tenant_factory):
    return tenant_factory("tenant1", "Tenant One")


@pytest.fixture
def other_tenant(tenant_factory):
    return tenant_factory("tenant2", "Tenant Two")


@pytest.fixture
def user_factory():
    """`user_factory(tenant, role="customer", email=None)`: a user whose password is PASSWORD."""
    from accounts.services import user_create
    from bookstore.authentication import ROLE_CUSTOMER

    def make(tenant, *, role: str = ROLE_CUSTOMER, email: str | None = None, **fields):
        email = email or f"{role}-{next(_serial)}@example.com"
        return user_create(
            tenant_id=tenant.tenant_id, email=email, password=PASSWORD, first_name="Test", role=role, **fields
        )

    return make


@pytest.fixture
def customer(tenant, user_factory):
    return user_factory(tenant, email="customer@example.com")


@pytest.fixture
def other_customer(tenant, user_factory):
    return user_factory(tenant, email="other@example.com")


@pytest.fixture
def admin(tenant, user_factory):
    from bookstore.authentication import ROLE_ADMIN

    return user_factory(tenant, role=ROLE_ADMIN, email="admin@example.com")


@pytest.fixture
def other_tenant_admin(other_tenant, user_factory):
    from bookstore.authentication import ROLE_ADMIN

    return user_factory(other_tenant, role=ROLE_ADMIN, email="admin@tenant2.example.com")


# --- API clients ------------------------------------------------------------------------


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def client_for():
    """`client_for(user)`: an API client that sends the user's access token."""
    from rest_framework.test import APIClient

    from accounts.tokens import tokens_for_user

    def make(user):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_for_user(user)['access']}")
        return client

    return make


@pytest.fixture
def customer_client(client_for, customer):
    return client_for(customer)


@pytest.fixture
def other_customer_client(client_for, other_customer):
    return client_for(other_customer)


@pytest.fixture
def admin_client(client_for, admin):
    return client_for(admin)


@pytest.fixture
def other_tenant_admin_client(client_for, other_tenant_admin):
    return client_for(other_tenant_admin)


@pytest.fixture
def walk_pages():
    """`walk_pages(client, url, **request_options)`: every item of a cursor-paginated list, page by page.

    Fails the test if a page repeats an item or a cursor loops.
    """

    def walk(client, url: str, *, params: dict | None = None, key: str = "book_id", **options) -> list[dict]:
        items, cursors, params = [], set(), dict(params or {})
        while True:
            response = client.get(url, params, **options)
            assert response.status_code == 200, response.content
            body = response.json()
            items.extend(body["results"])
            if not body["next"]:
                break
            assert body["next"] not in cursors, "a cursor repeated"
            cursors.add(body["next"])
            params["cursor"] = body["next"]
        ids = [item[key] for item in items]
        assert len(ids) == len(set(ids)), "an item appeared on two pages"
        return items

    return walk


# --- Books, carts and orders ------------------------------------------------------------


def _isbn13(serial: int) -> str:
    """A valid ISBN-13 (978 prefix, correct check digit) unique per serial."""
    from catalog.isbn import isbn13_check_digit

    body = f"978{serial:09d}"
    return body + isbn13_check_digit(body)


@pytest.fixture
def new_isbn():
    """`new_isbn()`: a valid ISBN-13 no other book of the test has."""
    return lambda: _isbn13(next(_serial))


@pytest.fixture
def book_factory(request, new_isbn):
    """`book_factory(tenant=None, **fields)`: an active book made through the catalogue service.

    Without a tenant it goes to the `tenant` fixture's shop. Returns the `Book` (its stock
    item is written with it; `stock_of(book)` reads it).
    """
    from catalog.services import book_create

    def make(tenant=None, **fields):
        tenant = tenant or request.getfixturevalue("tenant")
        defaults = {
            "isbn": new_isbn(),
            "title": "Cien años de soledad",
            "author": "Gabriel García Márquez",
            "category": "Fiction",
            "price": Decimal("19.99"),
            "stock_quantity": 10,
            "language": "es",
        }
        return book_create(tenant_id=tenant.tenant_id, **{**defaults, **fields}).book

    return make


@pytest.fixture
def book(book_factory):
    return book_factory()


@pytest.fixture
def index_books():
    """`index_books(*books, tenant_id="tenant1", removals=())`: index books as the books stream handler does.

    Each book goes as its DynamoDB image (what a stream record carries) through `sync_books`.
    """
    from boto3.dynamodb.types import TypeDeserializer

    from catalog.search.indexer import sync_books

    deserializer = TypeDeserializer()

    def index(*books, tenant_id: str = "tenant1", removals: tuple[str, ...] = ()):
        images = [deserializer.deserialize({"M": book.serialize()}) for book in books]
        return sync_books(tenant_id=tenant_id, upserts=images, removals=list(removals))

    return index


@pytest.fixture
def search_writes_blocked():
    """tenant1's search index refuses writes (an index write block), so sync_books fails for real."""
    from catalog.search.engine import engine_for
    from catalog.search.index import alias_name, index_ensure

    client = engine_for("tenant1")
    index_ensure(client, tenant_id="tenant1")
    client.indices.put_settings(index=alias_name("tenant1"), settings={"index.blocks.write": True})
    yield
    client.indices.put_settings(index=alias_name("tenant1"), settings={"index.blocks.write": False})


@pytest.fixture
def stock_of():
    """`stock_of(book)`: the book's stock as its stock item holds it now."""
    from catalog.models import BookStock

    return lambda book: int(BookStock.get(book.pk, BookStock.SORT_KEY, consistent_read=True).stock_quantity)


@pytest.fixture
def cart_with():
    """`cart_with(user, book, quantity=1)`: the user's cart after adding copies of the book."""
    from orders.services import cart_add

    def add(user, book, quantity: int = 1):
        return cart_add(tenant_id=user.tenant_id, user_id=user.user_id, book_id=book.book_id, quantity=quantity)

    return add


@pytest.fixture
def placed_order(cart_with):
    """`placed_order(user, *books, quantity=1, payment_method="card")`: a purchase of the books, checked out."""
    from orders.services import checkout

    def place(user, *books, quantity: int = 1, payment_method: str = "card"):
        for book in books:
            cart_with(user, book, quantity)
        purchase, _ = checkout(
            tenant_id=user.tenant_id,
            user_id=user.user_id,
            idempotency_key=str(uuid.uuid4()),
            payment_method=payment_method,
            shipping_address=dict(ADDRESS),
        )
        return purchase

    return place


# --- Whole tables, as ground truth ---------------------------------------------------------


@pytest.fixture
def stored_items():
    """`stored_items(tenant_data_only=False)`: every item of every table, as sorted canonical lines.

    Read with consistent Scans (test-only ground truth); `tenant_data_only` keeps the tables
    whose items belong to a tenant.
    """
    from bookstore.dynamodb.base import connection
    from bookstore.dynamodb.exports import encode_item
    from bookstore.dynamodb.tenant_fields import TenantOwned, tenancy_of

    def read(*, tenant_data_only: bool = False) -> dict[str, list[str]]:
        client = connection().client
        items = {}
        for model in registered_models():
            if tenant_data_only and not isinstance(tenancy_of(model), TenantOwned):
                continue
            pages = client.get_paginator("scan").paginate(TableName=model.Meta.table_name, ConsistentRead=True)
            items[model.Meta.table_name] = sorted(encode_item(item) for page in pages for item in page["Items"])
        return items

    return read


@pytest.fixture
def empty_tables(stored_items):
    """`empty_tables()`: delete every item of every table, item by item, and check they are empty."""
    from bookstore.dynamodb.base import connection

    def empty() -> None:
        client = connection().client
        for model in registered_models():
            keys = [model._hash_keyname] + ([model._range_keyname] if model._range_keyname else [])
            for page in client.get_paginator("scan").paginate(TableName=model.Meta.table_name):
                for item in page["Items"]:
                    client.delete_item(TableName=model.Meta.table_name, Key={k: item[k] for k in keys})
        assert not any(stored_items().values())

    return empty


# --- DynamoDB call budgets --------------------------------------------------------------


@pytest.fixture
def dynamodb_calls():
    """A Counter of DynamoDB operations (`Query`, `GetItem`, ...) sent while the test runs.

    Counted with a botocore `before-call` event hook on every model's client (observing,
    never replacing a call). `dynamodb_calls.clear()` starts a fresh count.
    """
    from bookstore.dynamodb.base import connection

    calls: Counter[str] = Counter()

    def count(model, params, **kwargs):
        calls[model.name] += 1

    clients = {
        id(c): c for c in [connection().client] + [m._get_connection().connection.client for m in registered_models()]
    }
    for client in clients.values():
        client.meta.events.register("before-call.dynamodb", count)
    yield calls
    for client in clients.values():
        client.meta.events.unregister("before-call.dynamodb", count)


# --- Streams: start from "now", drain with the poller, read the lake --------------------


@pytest.fixture(scope="session")
def _stream_tips():
    """Where the previous test left each stream (clean_tables empties the checkpoints too)."""
    return {}


@pytest.fixture
def streams_from_now(_stream_tips):
    """Checkpoints at the end of every stream, so `consume_streams` sees only this test's writes."""
    from streams.models import StreamCheckpoint
    from streams.poller import skip_backlog

    for checkpoint in _stream_tips.values():
        StreamCheckpoint(**checkpoint).save()
    skip_backlog()
    yield
    for checkpoint in StreamCheckpoint.scan():
        _stream_tips[checkpoint.shard_key] = {
            "shard_key": checkpoint.shard_key,
            "table": checkpoint.table,
            "shard_id": checkpoint.shard_id,
            "stream_arn": checkpoint.stream_arn,
            "sequence_number": checkpoint.sequence_number,
        }
    # Records this test left unread are skipped by the next one.


@pytest.fixture
def consume_streams(streams_from_now):
    """Run `manage.py consume_streams --once` with extra arguments; return its output."""
    from io import StringIO

    from django.core.management import call_command

    def consume(*args: str) -> str:
        out = StringIO()
        call_command("consume_streams", "--once", *args, stdout=out, stderr=StringIO())
        return out.getvalue()

    return consume


@pytest.fixture
def lake_dir(tmp_path, settings):
    """The data lake in this test's own folder."""
    location = tmp_path / "lake"
    settings.STORAGES = {
        **settings.STORAGES,
        "analytics": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location), "allow_overwrite": True},
        },
    }
    return location


@pytest.fixture
def lake_rows(lake_dir):
    """Every row in the lake as dicts (read back with pyarrow), with the file it came from."""

    def read() -> list[dict]:
        import pyarrow.parquet as pq

        rows = []
        for path in sorted(lake_dir.rglob("*.parquet")):
            for row in pq.read_table(path).to_pylist():
                rows.append({**row, "_file": str(path.relative_to(lake_dir))})
        return rows

    return read


@pytest.fixture
def units_sold():
    """`units_sold(tenant_id, book_id)`: the book's sales counter as the table holds it (0 if none)."""
    from catalog.models import BookSales

    def read(tenant_id: str, book_id: str) -> int:
        try:
            return int(BookSales.get(f"{tenant_id}#{book_id}", BookSales.SORT_KEY, consistent_read=True).units_sold)
        except BookSales.DoesNotExist:
            return 0

    return read


@pytest.fixture
def bought_together():
    """`bought_together(tenant_id, book_id, partner_id)`: the co-purchase counter of a pair (0 if none)."""
    from catalog.models import CoPurchase

    def read(tenant_id: str, book_id: str, partner_id: str) -> int:
        try:
            return int(CoPurchase.get(f"{tenant_id}#{book_id}", partner_id, consistent_read=True).times)
        except CoPurchase.DoesNotExist:
            return 0

    return read
