"""Factories that build a test's world through the services, as the app would: tenants, users, books, orders.

Plain functions, importable by any test or fixture (`from testing import factories`); the pytest
fixtures of `testing.fixtures` (`tenant_factory`, `book_factory`, `placed_order`, ...) hand them
out. Every user is made with PASSWORD; every ISBN is valid and unique within the process.
"""

import itertools
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from boto3.dynamodb.types import TypeDeserializer
from rest_framework.test import APIClient

from accounts.services import user_create
from accounts.tokens import tokens_for_user
from bookstore import aws
from bookstore.authentication import ROLE_CUSTOMER
from bookstore.dynamodb import clock as app_clock
from bookstore.dynamodb.base import connection
from bookstore.dynamodb.exports import encode_item
from bookstore.dynamodb.registry import registered_models
from bookstore.dynamodb.tenant_fields import TenantOwned, tenancy_of
from bookstore.tenants import tenant_create
from catalog.isbn import isbn13_check_digit
from catalog.models import BookSales, BookStock, CoPurchase
from catalog.search.indexer import sync_books
from catalog.services import book_create
from orders.services import cart_add, checkout
from reviews.services import review_create

PASSWORD = "correct-horse-battery-staple"
ADDRESS = {"line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013", "country": "ES"}
BOOK_DEFAULTS = {
    "title": "Cien años de soledad",
    "author": "Gabriel García Márquez",
    "category": "Fiction",
    "price": Decimal("19.99"),
    "stock_quantity": 10,
    "language": "es",
}
_serial = itertools.count(1)


def serial() -> int:
    """A number no other call in this process returned: the suffix of fresh ids, emails and ISBNs."""
    return next(_serial)


# --- Tenants, users and their API clients ------------------------------------------------


def make_tenant(tenant_id: str | None = None, name: str | None = None):
    """An active tenant (a fresh `shop-N` id unless one is given)."""
    tenant_id = tenant_id or f"shop-{serial()}"
    return tenant_create(tenant_id=tenant_id, name=name or f"Shop {tenant_id}").tenant


def make_user(tenant, *, role: str = ROLE_CUSTOMER, email: str | None = None, **fields):
    """A user of the tenant whose password is PASSWORD (a fresh email unless one is given)."""
    email = email or f"{role}-{serial()}@example.com"
    return user_create(
        tenant_id=tenant.tenant_id, email=email, password=PASSWORD, role=role, **{"first_name": "Test", **fields}
    )


def client_for(user) -> APIClient:
    """An API client that sends the user's access token."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_for_user(user)['access']}")
    return client


def walk_pages(client, url: str, *, params: dict | None = None, key: str = "book_id", **options) -> list[dict]:
    """Every item of a cursor-paginated list, page by page; fails if a page repeats an item or a cursor loops."""
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


# --- Books, carts and orders ------------------------------------------------------------


def isbn13(number: int) -> str:
    """A valid ISBN-13 (978 prefix, correct check digit), one per number."""
    body = f"978{number:09d}"
    return body + isbn13_check_digit(body)


def new_isbn() -> str:
    """A valid ISBN-13 no other call in this process returned."""
    return isbn13(serial())


def make_book(tenant, **fields):
    """An active book of the tenant made through the catalogue service (its stock item is written with it)."""
    return book_create(tenant_id=tenant.tenant_id, **{"isbn": new_isbn(), **BOOK_DEFAULTS, **fields}).book


def stock_of(book) -> int:
    """The book's stock as its stock item holds it now (a consistent read)."""
    return int(BookStock.get(book.pk, BookStock.SORT_KEY, consistent_read=True).stock_quantity)


def index_books(*books, tenant_id: str = "tenant1", removals: tuple[str, ...] = ()):
    """Index books as the books stream handler does: each as its DynamoDB image through `sync_books`."""
    deserializer = TypeDeserializer()
    images = [deserializer.deserialize({"M": book.serialize()}) for book in books]
    return sync_books(tenant_id=tenant_id, upserts=images, removals=list(removals))


def cart_with(user, book, quantity: int = 1):
    """The user's cart after adding copies of the book."""
    return cart_add(tenant_id=user.tenant_id, user_id=user.user_id, book_id=book.book_id, quantity=quantity)


def place_order(user, *books, quantity: int = 1, payment_method: str = "card"):
    """A purchase of the books (each added to the cart first), checked out to ADDRESS."""
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


def make_review(user, book, *, score: int = 5, title: str = "", body: str = ""):
    """The user's review of the book, written through the reviews service (published unless the shop moderates)."""
    return review_create(
        tenant_id=user.tenant_id, user_id=user.user_id, book_id=book.book_id, score=score, title=title, body=body
    )


def units_sold(tenant_id: str, book_id: str) -> int:
    """The book's sales counter as the table holds it (0 if none)."""
    try:
        return int(BookSales.get(f"{tenant_id}#{book_id}", BookSales.SORT_KEY, consistent_read=True).units_sold)
    except BookSales.DoesNotExist:
        return 0


def bought_together(tenant_id: str, book_id: str, partner_id: str) -> int:
    """The co-purchase counter of a pair of books (0 if none)."""
    try:
        return int(CoPurchase.get(f"{tenant_id}#{book_id}", partner_id, consistent_read=True).times)
    except CoPurchase.DoesNotExist:
        return 0


# --- Whole tables, as ground truth ---------------------------------------------------------

# Whole-table reads and deletes: up to a few thousand items, each Scan page costing the emulator
# a pass over the table. On a loaded machine one page can take longer than the app's 10 s read
# timeout, so these go through a DynamoDB client of the factory's that waits (and retries) far longer.
GROUND_TRUTH_READ_TIMEOUT_SECONDS = 300
BATCH_WRITE_MAX = 25  # DynamoDB's limit per BatchWriteItem


def ground_truth_client():
    """The emulator's DynamoDB client (from the factory) for test-side Scans and deletes of whole tables."""
    return aws.client(
        "dynamodb",
        read_timeout=GROUND_TRUTH_READ_TIMEOUT_SECONDS,
        retries={"mode": "standard", "max_attempts": 5},
    )


def _key_names(model) -> list[str]:
    return [model._hash_keyname] + ([model._range_keyname] if model._range_keyname else [])


def stored_items(*, tenant_data_only: bool = False) -> dict[str, list[str]]:
    """Every item of every table, as sorted canonical lines (consistent Scans: test-only ground truth).

    `tenant_data_only` keeps the tables whose items belong to a tenant.
    """
    client = ground_truth_client()
    items = {}
    for model in registered_models():
        if tenant_data_only and not isinstance(tenancy_of(model), TenantOwned):
            continue
        pages = client.get_paginator("scan").paginate(TableName=model.Meta.table_name, ConsistentRead=True)
        items[model.Meta.table_name] = sorted(encode_item(item) for page in pages for item in page["Items"])
    return items


def empty_table(model) -> None:
    """Delete every item of one model's table: its keys first (a keys-only Scan), then batch deletes."""
    client, table = ground_truth_client(), model.Meta.table_name
    names = {f"#k{n}": name for n, name in enumerate(_key_names(model))}
    pages = client.get_paginator("scan").paginate(
        TableName=table, ProjectionExpression=", ".join(names), ExpressionAttributeNames=names
    )
    keys = [item for page in pages for item in page["Items"]]
    for start in range(0, len(keys), BATCH_WRITE_MAX):
        requests = [{"DeleteRequest": {"Key": key}} for key in keys[start : start + BATCH_WRITE_MAX]]
        while requests:
            unprocessed = client.batch_write_item(RequestItems={table: requests}).get("UnprocessedItems", {})
            requests = unprocessed.get(table, [])


def empty_tables() -> None:
    """Delete every item of every table, item by item, and check they are empty."""
    client = ground_truth_client()
    for model in registered_models():
        keys = _key_names(model)
        for page in client.get_paginator("scan").paginate(TableName=model.Meta.table_name):
            for item in page["Items"]:
                client.delete_item(TableName=model.Meta.table_name, Key={k: item[k] for k in keys})
    assert not any(stored_items().values())


# --- The clock and the DynamoDB calls -------------------------------------------------------


class Clock:
    """The application clock: `now()`, `set(moment)`, `advance(timedelta)`."""

    now = staticmethod(app_clock.now)
    set = staticmethod(app_clock.set_now)
    advance = staticmethod(app_clock.advance)


@contextmanager
def pinned_clock() -> Iterator[Clock]:
    """The application clock pinned at the current time while the block runs, then real time again."""
    app_clock.set_now(app_clock.now())
    try:
        yield Clock()
    finally:
        app_clock.set_now(None)


@contextmanager
def counted_dynamodb_calls() -> Iterator[Counter]:
    """A Counter of DynamoDB operations (`Query`, `GetItem`, ...) sent while the block runs.

    Counted with a botocore `before-call` event hook on every model's client (observing,
    never replacing a call). `clear()` starts a fresh count.
    """
    calls: Counter[str] = Counter()

    def count(model, params, **kwargs):
        calls[model.name] += 1

    clients = {
        id(c): c for c in [connection().client] + [m._get_connection().connection.client for m in registered_models()]
    }
    for client in clients.values():
        client.meta.events.register("before-call.dynamodb", count)
    try:
        yield calls
    finally:
        for client in clients.values():
            client.meta.events.unregister("before-call.dynamodb", count)


# --- The outbound queue ------------------------------------------------------------------


def outbound_queue_empty() -> int:
    """Receive and delete every message on the outbound queue (PurgeQueue allows one a minute); return the count."""
    from outbound.queue import queue_url

    sqs, url, removed = aws.client("sqs"), queue_url(), 0
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=30).get("Messages"):
        entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)]
        sqs.delete_message_batch(QueueUrl=url, Entries=entries)
        removed += len(messages)
    return removed


def outbound_messages() -> list:
    """Every message on the outbound queue now, decoded (`OutboundMessage`), left on the queue and visible."""
    from outbound.queue import message_decode, queue_url

    sqs, url, seen = aws.client("sqs"), queue_url(), []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=30).get("Messages"):
        seen += messages
    for start in range(0, len(seen), 10):
        entries = [
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
            for i, m in enumerate(seen[start : start + 10])
        ]
        sqs.change_message_visibility_batch(QueueUrl=url, Entries=entries)
    return [message_decode(m["Body"]) for m in seen]


def sent_email(user, *, endpoint_id: str = "wh_test") -> str:
    """An endpoint-disabled notice to `user`, recorded and sent as the worker sends it; its outbox message id."""
    from emails.models import ENDPOINT_DISABLED, EmailRecord
    from emails.records import EmailToSend, email_id_for, emails_record
    from emails.sending import email_send

    email_id = email_id_for(user.tenant_id, "test-notice", endpoint_id, user.user_id)
    context = {"endpoint_id": endpoint_id, "url": "https://hooks.example.com/", "failures": 5, "disabled_at": None}
    emails_record([EmailToSend(user.tenant_id, email_id, ENDPOINT_DISABLED, user.user_id, context)])
    email_send(tenant_id=user.tenant_id, email_id=email_id)
    return EmailRecord.get(EmailRecord.key(user.tenant_id, email_id), consistent_read=True).message_id
