"""The pytest fixtures of every suite, registered by the root conftest (`pytest_plugins`).

Session set-up: the message catalogues are compiled; the patched emulator and noida-db run on
the loopback ports the test settings chose, so the models and the search client already point
at them; tables are created once.
Each test starts with every table empty, no search index and the tenant cache cleared. Tests
build their world with the factories (`tenant_factory`, `user_factory`, `book_factory`,
`cart_with`, `placed_order`, `client_for`), which hand out the plain functions of
`testing.factories`; a test may also import those directly.
"""

import io
import json
import zipfile
from collections.abc import Iterator
from io import StringIO
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.management import call_command
from elasticsearch import Elasticsearch
from rest_framework.test import APIClient

from bookstore.authentication import ROLE_ADMIN
from bookstore.aws import client
from bookstore.dynamodb.registry import clients_build, create_tables, registered_models
from bookstore.tenants import tenant_cache
from catalog.search.engine import engine_for
from catalog.search.index import alias_name, forget_known_indexes, index_ensure
from deploy.catalogues import compile_catalogues
from local_stack.emulator import start_emulator, tables_holding_items
from local_stack.search_engine import start_search_engine
from streams.models import StreamCheckpoint
from streams.poller import skip_backlog
from testing import factories

# --- The servers, and a clean state for every test ---------------------------------------


@pytest.fixture(scope="session", autouse=True)
def message_catalogues() -> None:
    """The build step `make run` and the bundle also take: the `.po` catalogues compiled to `.mo`."""
    compile_catalogues()


@pytest.fixture(scope="session", autouse=True)
def email_outbox_backend(django_test_environment) -> None:
    """The local outbox as EMAIL_BACKEND again, over the locmem backend Django's test set-up puts in."""
    settings.EMAIL_BACKEND = "emails.backends.OutboxEmailBackend"


@pytest.fixture(scope="session", autouse=True)
def emulator():
    from outbound.wiring import outbound_queues_ensure

    server = start_emulator(port=settings.EMULATOR_PORT)
    clients_build()
    create_tables()
    outbound_queues_ensure()  # stream handlers enqueue outbound work in any test that consumes purchases
    yield server
    server.stop()


@pytest.fixture(scope="session", autouse=True)
def search_engine(tmp_path_factory):
    """noida-db (the Elasticsearch API) on SEARCH_PORT, with a temporary data folder, for the session."""
    engine = start_search_engine(port=settings.SEARCH_PORT, data_dir=tmp_path_factory.mktemp("noida-db"))
    yield engine
    engine.stop()


@pytest.fixture(autouse=True)
def clean_tables(emulator):
    from bookstore.ratelimit import over_limit, plan_counters
    from bookstore.tenancy import unknown_tenant_buckets

    yield
    tenant_cache.clear()
    over_limit.clear()
    plan_counters.clear()
    unknown_tenant_buckets.clear()
    holding_items = tables_holding_items()  # in memory: most tests write to a few tables of the 26
    for model in registered_models():
        if model.Meta.table_name in holding_items:
            factories.empty_table(model)


@pytest.fixture(autouse=True)
def clean_search_indexes(search_engine):
    """Drop every index of the test stage after each test (one GET when there is none)."""
    yield
    if not search_engine.is_running():  # a test stopped it; the fixture that did restarts it
        return
    client = Elasticsearch(search_engine.url, request_timeout=120)  # a loaded machine answers slowly
    for name in client.indices.get(index="bookstore-test-books-*"):
        client.indices.delete(index=name)
    forget_known_indexes()
    client.close()


@pytest.fixture
def clock() -> Iterator[factories.Clock]:
    """The application clock, pinned at the current time; `clock.set(...)` and `clock.advance(...)` move it."""
    with factories.pinned_clock() as pinned:
        yield pinned


@pytest.fixture
def password():
    """The password every factory-made user has."""
    return factories.PASSWORD


# --- Tenants and users ------------------------------------------------------------------


@pytest.fixture
def tenant_factory():
    """`tenant_factory(tenant_id=None, name=None)`: an active tenant (a fresh id unless one is given)."""
    return factories.make_tenant


@pytest.fixture
def tenant(tenant_factory):
    return tenant_factory("tenant1", "Tenant One")


@pytest.fixture
def other_tenant(tenant_factory):
    return tenant_factory("tenant2", "Tenant Two")


@pytest.fixture
def user_factory():
    """`user_factory(tenant, role="customer", email=None)`: a user whose password is PASSWORD."""
    return factories.make_user


@pytest.fixture
def customer(tenant, user_factory):
    return user_factory(tenant, email="customer@example.com")


@pytest.fixture
def other_customer(tenant, user_factory):
    return user_factory(tenant, email="other@example.com")


@pytest.fixture
def admin(tenant, user_factory):
    return user_factory(tenant, role=ROLE_ADMIN, email="admin@example.com")


@pytest.fixture
def other_tenant_admin(other_tenant, user_factory):
    return user_factory(other_tenant, role=ROLE_ADMIN, email="admin@tenant2.example.com")


# --- API clients ------------------------------------------------------------------------


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def client_for():
    """`client_for(user)`: an API client that sends the user's access token."""
    return factories.client_for


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
    return factories.walk_pages


# --- Books, carts and orders ------------------------------------------------------------


@pytest.fixture
def new_isbn():
    """`new_isbn()`: a valid ISBN-13 no other book of the test has."""
    return factories.new_isbn


@pytest.fixture
def book_factory(request):
    """`book_factory(tenant=None, **fields)`: an active book made through the catalogue service.

    Without a tenant it goes to the `tenant` fixture's shop. Returns the `Book` (its stock
    item is written with it; `stock_of(book)` reads it).
    """

    def make(tenant=None, **fields):
        return factories.make_book(tenant or request.getfixturevalue("tenant"), **fields)

    return make


@pytest.fixture
def book(book_factory):
    return book_factory()


@pytest.fixture
def index_books():
    """`index_books(*books, tenant_id="tenant1", removals=())`: index books as the books stream handler does.

    Each book goes as its DynamoDB image (what a stream record carries) through `sync_books`.
    """
    return factories.index_books


@pytest.fixture
def search_writes_blocked():
    """tenant1's search index refuses writes (an index write block), so sync_books fails for real."""
    client = engine_for("tenant1")
    index_ensure(client, tenant_id="tenant1")
    client.indices.put_settings(index=alias_name("tenant1"), settings={"index.blocks.write": True})
    yield
    client.indices.put_settings(index=alias_name("tenant1"), settings={"index.blocks.write": False})


@pytest.fixture
def stock_of():
    """`stock_of(book)`: the book's stock as its stock item holds it now."""
    return factories.stock_of


@pytest.fixture
def cart_with():
    """`cart_with(user, book, quantity=1)`: the user's cart after adding copies of the book."""
    return factories.cart_with


@pytest.fixture
def placed_order():
    """`placed_order(user, *books, quantity=1, payment_method="card")`: a purchase of the books, checked out."""
    return factories.place_order


@pytest.fixture
def review_factory():
    """`review_factory(user, book, score=5, title="", body="")`: the user's review of the book, through the service."""
    return factories.make_review


# --- Whole tables, as ground truth ---------------------------------------------------------


@pytest.fixture
def stored_items():
    """`stored_items(tenant_data_only=False)`: every item of every table, as sorted canonical lines."""
    return factories.stored_items


@pytest.fixture
def empty_tables():
    """`empty_tables()`: delete every item of every table, item by item, and check they are empty."""
    return factories.empty_tables


# --- DynamoDB call budgets --------------------------------------------------------------


@pytest.fixture
def dynamodb_calls():
    """A Counter of DynamoDB operations (`Query`, `GetItem`, ...) sent while the test runs; `.clear()` restarts it."""
    with factories.counted_dynamodb_calls() as calls:
        yield calls


# --- Streams: start from "now", drain with the poller, read the lake --------------------


@pytest.fixture(scope="session")
def _stream_tips():
    """Where the previous test left each stream (clean_tables empties the checkpoints too)."""
    return {}


@pytest.fixture
def streams_from_now(_stream_tips):
    """Checkpoints at the end of every stream, so `consume_streams` sees only this test's writes."""
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
    return factories.units_sold


@pytest.fixture
def bought_together():
    """`bought_together(tenant_id, book_id, partner_id)`: the co-purchase counter of a pair (0 if none)."""
    return factories.bought_together


# --- What the code measures ----------------------------------------------------------------


@pytest.fixture
def metric_lines():
    """`metric_lines(name=None)`: the EMF lines written so far, parsed and checked valid; only `name`'s if given."""
    from testing.emf import captured_metric_lines, emf_problems

    with captured_metric_lines() as lines:

        def read(name: str | None = None) -> list[dict]:
            for line in lines:
                assert emf_problems(line) == [], line
            return [line for line in lines if name is None or name in line]

        yield read


@pytest.fixture
def resolver_names(settings):
    """A dict of host name → addresses that webhook URLs resolve through (WEBHOOKS_RESOLVER points at it)."""
    from testing import resolver

    settings.WEBHOOKS_RESOLVER = resolver.PATH
    resolver.NAMES.clear()
    yield resolver.NAMES
    resolver.NAMES.clear()


# --- The outbound queue --------------------------------------------------------------------


@pytest.fixture
def outbound_queue():
    """The outbound queue, emptied of earlier tests' messages; `.drain()` handles what it holds now (`queue_drain`)."""
    from outbound.worker import queue_drain

    factories.outbound_queue_empty()
    return SimpleNamespace(drain=queue_drain, messages=factories.outbound_messages)


# --- The stage's Lambda function, for the stream mappings -------------------------------

STAGE_FUNCTION = "bookstore-test"  # STREAMS_FUNCTION_NAME of the test settings


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def lambda_handler(event, context):\n    return {}\n")
    return buffer.getvalue()


@pytest.fixture
def stage_function(settings):
    """A Lambda function standing in for the Zappa stage's; every mapping to it is deleted afterwards."""
    import boto3

    iam = boto3.client(
        "iam",
        endpoint_url=settings.AWS_ENDPOINT_URL,
        region_name=settings.AWS_REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    role = iam.create_role(RoleName="bookstore-test-lambda", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    lambda_client = client("lambda")
    lambda_client.create_function(
        FunctionName=STAGE_FUNCTION,
        Runtime="python3.11",
        Role=role["Arn"],
        Handler="handler.lambda_handler",
        Code={"ZipFile": _zip()},
    )
    yield STAGE_FUNCTION
    for mapping in lambda_client.list_event_source_mappings(FunctionName=STAGE_FUNCTION)["EventSourceMappings"]:
        lambda_client.delete_event_source_mapping(UUID=mapping["UUID"])
    lambda_client.delete_function(FunctionName=STAGE_FUNCTION)
    iam.delete_role(RoleName="bookstore-test-lambda")


# --- The local email outbox ----------------------------------------------------------------


@pytest.fixture
def outbox(tmp_path, settings):
    """The local email outbox in this test's own folder; `outbox.messages(tenant_id)`: its messages, oldest first."""
    settings.LOCAL_STATE_DIR = tmp_path
    settings.EMAIL_BACKEND = "emails.backends.OutboxEmailBackend"

    def messages(tenant_id: str) -> list[dict]:
        folder = tmp_path / "outbox" / tenant_id
        return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.json"))]

    return SimpleNamespace(messages=messages, folder=tmp_path / "outbox")
