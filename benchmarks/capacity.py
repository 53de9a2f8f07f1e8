"""The capacity model of one large tenant on a sale day: `python -m benchmarks.capacity [--markdown]`.

Nothing here is timed. The model multiplies three things:

- the published DynamoDB limits and on-demand prices (the named constants below, with their source);
- the index definitions of our models, read from the table registry (`Model._get_schema()`,
  the same definitions `create_tables` sends to CreateTable), so a projection or key that
  changes in the code changes the model;
- item sizes measured from real items: the script runs the app's own services (seed, cart,
  checkout, the sales counters of the purchases stream) against the local emulator, reads
  back every item they wrote, and sizes it with DynamoDB's published item-size rules. The
  writes of a checkout are the diff of the tables before and after a real checkout, so
  every item and index the code touches is counted, and nothing else.

It prints, per access pattern: the DynamoDB calls (counted through botocore events), the
partition keys touched and whether one is shared by the whole tenant, the RCU/WCU per
request, the per-partition ceiling in requests/s, and the cost per 1,000 orders at the
sale-day mix. A sale writes the book's small stock item (`BookStock`), never the book, so
it touches no listing index and no search document (the sale-state decision in
docs/architecture/decisions/sale-state-split.md); `measure` fails loudly if a checkout ever writes a book item.
"""

import argparse
import base64
import math
import re
import statistics
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from benchmarks.harness import describe, emulated_stack, print_table

# --- Published limits and prices -------------------------------------------------------
# Amazon DynamoDB Developer Guide, "Burst and adaptive capacity" and "Service, account, and
# table quotas": one partition serves at most 3,000 read units and 1,000 write units a second,
# on-demand tables included; a read unit is 4 KB (an eventually consistent read is half a
# unit), a write unit is 1 KB; transactional reads and writes cost two units per item.
PARTITION_RCU = 3_000
PARTITION_WCU = 1_000
READ_UNIT_BYTES = 4 * 1024
WRITE_UNIT_BYTES = 1024
EVENTUALLY_CONSISTENT = Decimal("0.5")
TRANSACTION_FACTOR = 2
# A global secondary index is written with standard (not transactional) writes, once per
# index whose projected copy changes, twice when the index key itself changes (delete + put).
# Amazon DynamoDB pricing, on-demand, US East (N. Virginia), since the 1 November 2024 price cut.
PRICE_PER_MILLION_WRITE_UNITS = Decimal("0.625")
PRICE_PER_MILLION_READ_UNITS = Decimal("0.125")
# AWS Lambda pricing, x86, US East: per GB-second and per million requests; the default
# account-level concurrency quota per region (Lambda Developer Guide, "Lambda quotas"). Lambda
# allots CPU in proportion to memory, one full vCPU at 1,769 MB (Lambda Developer Guide,
# "Configuring memory"): below it, the same work takes proportionally longer.
LAMBDA_PRICE_PER_GB_SECOND = Decimal("0.0000166667")
LAMBDA_PRICE_PER_MILLION_REQUESTS = Decimal("0.20")
LAMBDA_DEFAULT_CONCURRENCY = 1_000
LAMBDA_FULL_VCPU_MB = 1_769
# The front doors, US East, first pricing tier (Amazon API Gateway pricing; Amazon CloudFront
# pricing, HTTPS requests in the United States, $0.0100 per 10,000; AWS WAF pricing, the same in
# every region). A Lambda function URL costs nothing per request; a custom domain and WAF need
# CloudFront in front of it.
REST_API_PRICE_PER_MILLION = Decimal("3.50")
HTTP_API_PRICE_PER_MILLION = Decimal("1.00")
CLOUDFRONT_HTTPS_PRICE_PER_MILLION = Decimal("1.00")
WAF_PRICE_PER_MILLION = Decimal("0.60")
WAF_MONTHLY = Decimal("5") + 5 * Decimal("1")  # one web ACL and five rules
# Amazon CloudWatch pricing, Logs, US East: ingestion per GB. Each log event is billed with 26
# bytes of metadata (CloudWatch Logs quotas, PutLogEvents batch size). Lambda writes three lines
# of its own per invocation (START, END, REPORT), in the format of the Lambda Developer Guide.
LOGS_PRICE_PER_GB = Decimal("0.50")
LOG_EVENT_OVERHEAD_BYTES = 26
LAMBDA_PLATFORM_LINES = (
    "START RequestId: 8f5c7b1e-6a0d-4a1b-9a4e-2f1d3c5b7a90 Version: $LATEST",
    "END RequestId: 8f5c7b1e-6a0d-4a1b-9a4e-2f1d3c5b7a90",
    "REPORT RequestId: 8f5c7b1e-6a0d-4a1b-9a4e-2f1d3c5b7a90\tDuration: 41.27 ms\tBilled Duration: 42 ms\t"
    "Memory Size: 2048 MB\tMax Memory Used: 231 MB\t",
)
# The search cluster: Elastic Cloud, Standard tier, AWS US East, per GB of RAM per hour (Elastic's
# list price as published by third-party readers of it; Elastic's own calculator is the source),
# two zones of 4 GB: a fixed cost, whatever the orders.
SEARCH_PRICE_PER_GB_RAM_HOUR = Decimal("0.1144")
SEARCH_RAM_GB = 8
HOURS_PER_MONTH = 730
# Amazon Athena pricing: per TB of data scanned, at least 10 MB per query.
ATHENA_PRICE_PER_TB = Decimal("5")
ATHENA_MINIMUM_BYTES = 10 * 1024**2

# --- The traffic of a large tenant on a sale day -----------------------------------------
PAGE_VIEWS_PER_SECOND = 2_000
SEARCHES_PER_SECOND = 200
CART_WRITES_PER_SECOND = 300
CHECKOUTS_PER_SECOND = 100
LINES_PER_CHECKOUT = 3
LISTING_PAGE = 20
# Assumptions, not published figures: how the page views split, how large the report lake grows.
LISTING_SHARE_OF_PAGE_VIEWS = Decimal("0.5")  # the rest are book detail pages
ORDERS_PER_YEAR = 50_000_000  # a large tenant: the lake one report scans at one year
CATALOGUE_BOOKS = 200  # seeded to measure book sizes (curated + synthetic descriptions)

# Assumptions: a DynamoDB call's round trip inside the region (AWS documents single-digit
# milliseconds), and an Elasticsearch query's, added to the app's own time measured here.
DYNAMODB_CALL_SECONDS = 0.005
SEARCH_CALL_SECONDS = 0.020
# The order sizes the cost and the ceilings are shown for (a cart holds at most 32 lines).
ORDER_LINES = (1, 3, 32)
PAGE_VIEWS_PER_ORDER = 20  # at the sale-day mix: 2,000 page views/s for 100 checkouts/s
SEARCHES_PER_ORDER = 2
DURATION_SAMPLES = 15

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


# --- DynamoDB item sizes ------------------------------------------------------------------


def attribute_size(value: dict) -> int:
    """The size DynamoDB bills for one attribute value (Developer Guide, "Item sizes and formats")."""
    ((kind, data),) = value.items()
    if kind == "S":
        return len(data.encode())
    if kind == "N":
        digits = data.lstrip("-").replace(".", "").strip("0") or "0"
        return (len(digits) + 1) // 2 + 1
    if kind == "B":
        return len(base64.b64decode(data)) if isinstance(data, str) else len(data)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(1 + attribute_size(element) for element in data)
    if kind == "M":
        return 3 + sum(1 + len(name.encode()) + attribute_size(element) for name, element in data.items())
    if kind in ("SS", "NS", "BS"):
        return sum(attribute_size({kind[0]: element}) for element in data)
    raise ValueError(f"unknown attribute type {kind}")


def item_size(item: dict) -> int:
    return sum(len(name.encode()) + attribute_size(value) for name, value in item.items())


def units(size: int, unit_bytes: int) -> int:
    return max(1, math.ceil(size / unit_bytes))


# --- Indexes as the models declare them -----------------------------------------------------


@dataclass(frozen=True)
class Index:
    """One table or index: its name, key attributes and projection (None: the table itself)."""

    name: str
    hash_key: str
    range_key: str | None
    projection: str  # ALL, KEYS_ONLY, INCLUDE, or TABLE
    included: tuple[str, ...] = ()
    local: bool = False  # an LSI: its copies live in the base item's partition

    def entry(self, item: dict | None, table: "Index") -> dict | None:
        """The copy of `item` this index holds, or None when the item is not in it (sparse)."""
        if item is None or self.hash_key not in item or (self.range_key and self.range_key not in item):
            return None
        if self.projection in ("ALL", "TABLE"):
            return item
        names = {table.hash_key, table.range_key, self.hash_key, self.range_key, *self.included} - {None}
        return {name: value for name, value in item.items() if name in names}

    def key_of(self, entry: dict) -> tuple:
        return tuple(entry.get(name) and next(iter(entry[name].values())) for name in (self.hash_key, self.range_key))


def indexes_of(model) -> tuple[Index, list[Index]]:
    """The table and its secondary indexes, from the schema PynamoDB sends to CreateTable."""
    schema = model._get_schema()

    def keys(key_schema):
        by_type = {k["KeyType"]: k["AttributeName"] for k in key_schema}
        return by_type["HASH"], by_type.get("RANGE")

    table = Index("table", *keys(schema["key_schema"]), "TABLE")
    secondary = []
    for kind in ("global_secondary_indexes", "local_secondary_indexes"):
        for spec in schema.get(kind, []):
            projection = spec["projection"]
            secondary.append(
                Index(
                    spec["index_name"],
                    *keys(spec["key_schema"]),
                    projection["ProjectionType"],
                    tuple(projection.get("NonKeyAttributes", ())),
                    local=kind == "local_secondary_indexes",
                )
            )
    return table, secondary


# --- Requests as units per partition key ---------------------------------------------------


def key_template(value: str, tenant_id: str) -> str:
    """The partition key with the tenant abstracted (`{t}#BOOKS`); ids stay, so items stay apart."""
    return value.replace(tenant_id, "{t}", 1)


def shown(key: str) -> str:
    """A key as printed: `{t}#{id}` for any item."""
    return UUID.sub("{id}", key)


def collapsed(key: str) -> str:
    """A key with names abstracted too: `{t}#CATEGORY#{name}` (as if every sale were in one category)."""
    return re.sub(r"^(\{t\}#(?:CATEGORY|AUTHOR|BESTSELLERS))#.+$", r"\1#{name}", shown(key))


def item_key() -> str:
    """A distinct partition key of one book, user or order."""
    return f"{{t}}#{uuid.uuid4()}"


def key_scope(template: str) -> str:
    """Who shares a partition key: the whole tenant, a category or author, or one item/user."""
    if "{id}" in shown(template):
        return "item"
    if re.fullmatch(r"\{t\}#[A-Z]+", template):
        return "TENANT"
    return "name"  # {t}#CATEGORY#fiction, {t}#AUTHOR#..., {t}#BESTSELLERS#fiction


@dataclass
class Load:
    """What one request costs: units per (table/index, partition-key template)."""

    calls: str = ""
    rcu: dict[tuple[str, str], Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    wcu: dict[tuple[str, str], Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    search_writes: int = 0  # Elasticsearch documents (re)indexed

    def add(self, other: "Load", times: int = 1) -> None:
        for mine, theirs in ((self.rcu, other.rcu), (self.wcu, other.wcu)):
            for key, value in theirs.items():
                mine[key] += value * times
        self.search_writes += other.search_writes * times

    @property
    def total_rcu(self) -> Decimal:
        return sum(self.rcu.values(), Decimal(0))

    @property
    def total_wcu(self) -> Decimal:
        return sum(self.wcu.values(), Decimal(0))

    def ceiling(self, *, shared: bool) -> tuple[float, str]:
        """Requests/s before the hottest shared (or, with shared=False, item) partition key reaches its limit."""
        best, where = math.inf, "-"
        per_key: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
        for key, value in self.rcu.items():
            per_key[key][0] += value
        for key, value in self.wcu.items():
            per_key[key][1] += value
        for key, (rcu, wcu) in per_key.items():
            if (key_scope(key[1]) == "item") == shared:
                continue
            limit = min(PARTITION_RCU / rcu if rcu else math.inf, PARTITION_WCU / wcu if wcu else math.inf)
            if limit < best:
                best, where = float(limit), f"{collapsed(key[1])} ({key[0]})"
        return best, where

    def shared_keys(self) -> list[str]:
        keys = {collapsed(key[1]) for key in (*self.rcu, *self.wcu) if key_scope(key[1]) != "item"}
        return sorted(keys)


def read(load: Load, table: str, partition: str | None, sizes: Iterable[int], *, consistent: bool) -> None:
    """Read units: a Query sums its items, then rounds to 4 KB; GetItem and BatchGetItem round each item.

    A Query names its `partition`; None gives each item its own key (GetItem, BatchGetItem).
    """
    factor = Decimal(1) if consistent else EVENTUALLY_CONSISTENT
    sizes = list(sizes)
    if partition is None:
        for size in sizes:
            load.rcu[(table, item_key())] += units(size, READ_UNIT_BYTES) * factor
    else:
        load.rcu[(table, partition)] += units(sum(sizes), READ_UNIT_BYTES) * factor


def write(load: Load, model, before: dict | None, after: dict | None, *, tenant_id: str, transactional: bool) -> None:
    """One item write and every index copy it rewrites, from the model's own index definitions."""
    table, secondary = indexes_of(model)
    name = model.Meta.table_name.rsplit("-", 1)[-1]
    item = after or before
    partition = key_template(item[table.hash_key]["S"], tenant_id)
    size = max(item_size(before or {}), item_size(after or {}))
    load.wcu[(name, partition)] += units(size, WRITE_UNIT_BYTES) * (TRANSACTION_FACTOR if transactional else 1)
    for index in secondary:
        old, new = index.entry(before, table), index.entry(after, table)
        if (old is None and new is None) or old == new:
            continue
        writes = [new] if old is None else [old] if new is None else [new]
        if old is not None and new is not None and index.key_of(old) != index.key_of(new):
            writes = [old, new]  # the index key moved: delete the old copy, put the new one
        for entry in writes:
            # An LSI's item collection cannot split: its copies share the base partition's 1,000 WCU.
            where = (f"{name}/{index.name}", key_template(next(iter(entry[index.hash_key].values())), tenant_id))
            if index.local:
                where = (name, partition)
            load.wcu[where] += units(item_size(entry), WRITE_UNIT_BYTES)


# --- Measuring the real items -------------------------------------------------------------


def raw_items(model) -> dict[tuple, dict]:
    """Every item of a model's table as the emulator stores it, by key (a Scan: benchmark only)."""
    table, _ = indexes_of(model)
    items, start = {}, None
    while True:
        page = model._get_connection().scan(exclusive_start_key=start)
        for item in page.get("Items", []):
            items[(str(item[table.hash_key]), str(item.get(table.range_key)))] = item
        start = page.get("LastEvaluatedKey")
        if not start:
            return items


def diff(models, before: dict, after: dict) -> list[tuple[object, dict | None, dict | None]]:
    """The writes that turned `before` into `after`: (model, old image, new image)."""
    changes = []
    for model in models:
        old, new = before[model], after[model]
        for key in sorted(set(old) | set(new)):
            if old.get(key) != new.get(key):
                changes.append((model, old.get(key), new.get(key)))
    return changes


@dataclass
class OrderMeasure:
    """One real order of `lines` lines: what its checkout and its stream counters wrote."""

    lines: int
    checkout_writes: list
    counter_writes: list
    checkout_calls: str


@dataclass
class RequestMeasure:
    """One kind of API request, served through Django: its DynamoDB calls and the app's own time."""

    calls: int
    app_seconds: float  # the wall time minus the time spent waiting on the emulator (median)


@dataclass
class Measured:
    tenant_id: str
    books: dict[str, dict]  # the seeded book items, by partition key
    book_sizes: list[int]
    facet_size: int
    sales_size: int
    cart_line_size: int
    cart_header_size: int
    idempotency_size: int
    checkout_writes: list
    counter_writes: list
    stock_item: dict
    checkout_calls: str
    listing_calls: str
    orders: dict[int, OrderMeasure] = field(default_factory=dict)
    requests: dict[str, RequestMeasure] = field(default_factory=dict)
    log_line_bytes: int = 0


ADDRESS = {"line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013", "country": "ES"}


def measure_order(counter, *, tenant_id: str, books: list, lines: int) -> OrderMeasure:
    """A real checkout of `lines` books by a new user, and the purchases stream's counters for it."""
    from accounts.services import user_create
    from catalog.models import Book, BookStock
    from catalog.sales import SaleLine
    from orders.models import CartLine, IdempotencyRecord, Purchase, PurchaseTally
    from orders.services import cart_add, checkout

    user = user_create(tenant_id=tenant_id, email=f"capacity-{lines}@example.com", password="capacity-pass-123")
    for book in books[:lines]:
        BookStock(book.pk, BookStock.SORT_KEY).update(actions=[BookStock.stock_quantity.set(1000)])
        cart_add(tenant_id=tenant_id, user_id=user.user_id, book_id=book.book_id, quantity=1)
    models = (Book, CartLine, Purchase, PurchaseTally, IdempotencyRecord)
    before = {model: raw_items(model) for model in models}
    calls, _ = counter.measure(
        lambda: checkout(
            tenant_id=tenant_id,
            user_id=user.user_id,
            idempotency_key=str(uuid.uuid4()),
            payment_method="card",
            shipping_address=ADDRESS,
        )
    )
    checkout_writes = diff(models, before, {model: raw_items(model) for model in models})

    purchase = Purchase.from_raw_data(next(new for model, _, new in checkout_writes if model is Purchase))
    sale = [SaleLine(book_id=i.book_id, category=i.category, quantity=int(i.quantity)) for i in purchase.items]
    counter_writes = measure_counters(tenant_id=tenant_id, purchase_id=purchase.purchase_id, sale=sale)
    return OrderMeasure(lines=lines, checkout_writes=checkout_writes, counter_writes=counter_writes,
                        checkout_calls=describe(calls))  # fmt: skip


def measure_counters(*, tenant_id: str, purchase_id: str, sale: list) -> list:
    """What the purchases stream's counters write for a sale of these lines (a repeat sale of each book)."""
    from catalog.models import BookSales, CoPurchase, SalesMarker
    from catalog.sales import sales_count_event
    from orders.sale_events import PURCHASED

    counters = (BookSales, CoPurchase, SalesMarker)
    # The first sale of a book creates its counters; the model prices a repeat sale (an update).
    sales_count_event(tenant_id=tenant_id, purchase_id=f"warm-up-{purchase_id}", event_type=PURCHASED, lines=sale,
                      sign=1)  # fmt: skip
    before = {model: raw_items(model) for model in counters}
    sales_count_event(tenant_id=tenant_id, purchase_id=purchase_id, event_type=PURCHASED, lines=sale, sign=1)
    return diff(counters, before, {model: raw_items(model) for model in counters})


class EmulatorWait:
    """Seconds spent inside DynamoDB calls (botocore's before-call / after-call events), to take off the wall time."""

    def __init__(self, clients) -> None:
        self.seconds = 0.0
        self._started: list[float] = []
        for client in clients:
            client.meta.events.register("before-call.dynamodb", self._before)
            client.meta.events.register("after-call.dynamodb", self._after)

    def _before(self, **kwargs) -> None:
        self._started.append(time.perf_counter())

    def _after(self, **kwargs) -> None:
        if self._started:
            self.seconds += time.perf_counter() - self._started.pop()


def measure_requests(counter, *, tenant_id: str, books: list) -> tuple[dict[str, RequestMeasure], int]:
    """The sale-day requests through Django (warm: the tenant cached), and the bytes of the request log line."""
    import io
    import logging

    from django.test import override_settings
    from rest_framework.test import APIClient

    from benchmarks.harness import client_for_new_user
    from bookstore.dynamodb.base import connection
    from bookstore.dynamodb.registry import registered_models
    from bookstore.logs import JsonFormatter

    wait = EmulatorWait([m._get_connection().connection.client for m in registered_models()] + [connection().client])
    anonymous = APIClient()
    anonymous.credentials(HTTP_X_TENANT_ID=tenant_id)
    shopper = client_for_new_user(tenant_id, "capacity-timing@example.com")
    book_ids = [book.book_id for book in books]

    def fill(client) -> None:
        for book_id in book_ids[:LINES_PER_CHECKOUT]:
            assert client.post("/api/v1/cart/add", {"book_id": book_id, "quantity": 1}, format="json").status_code < 300

    def post_checkout(client) -> None:
        response = client.post(
            "/api/v1/purchases/checkout",
            {"payment_method": "card", "shipping_address": ADDRESS},
            format="json",
            HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        )
        assert response.status_code == 201, response.content

    kinds = {
        "listing": (lambda: anonymous.get("/api/v1/books"), None),
        "detail": (lambda: anonymous.get(f"/api/v1/books/{book_ids[0]}"), None),
        "cart": (lambda: shopper.post("/api/v1/cart/add", {"book_id": book_ids[5], "quantity": 1}, format="json"),
                 lambda: shopper.delete("/api/v1/cart")),
        "checkout": (lambda: post_checkout(shopper), lambda: fill(shopper)),
    }  # fmt: skip
    found = {}
    for kind, (request, prepare) in kinds.items():
        samples, calls = [], 0
        for _ in range(DURATION_SAMPLES + 1):  # the first warms the path up and is left out
            if prepare:
                prepare()
            wait.seconds = 0.0
            started = time.perf_counter()
            made, _ = counter.measure(request)
            samples.append(time.perf_counter() - started - wait.seconds)
            calls = sum(made.values())
        found[kind] = RequestMeasure(calls=calls, app_seconds=statistics.median(samples[1:]))

    # The production request log's line for a shopper's request, as the middleware writes it.
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("bookstore.request")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    propagate, logger.propagate = logger.propagate, False  # the line is measured, not printed
    try:
        middleware = ["bookstore.request_context.RequestLogMiddleware", *django_settings().MIDDLEWARE]
        with override_settings(MIDDLEWARE=middleware):
            fresh = APIClient()  # a client builds its middleware chain on its first request
            fresh.credentials(**shopper._credentials)
            assert fresh.get("/api/v1/cart").status_code == 200
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
    line = stream.getvalue().splitlines()[-1]
    return found, len(line.encode())


def django_settings():
    from django.conf import settings

    return settings


def measure(counter) -> Measured:
    """Run the app's services on the emulator and read back what they wrote."""
    from bookstore.tenants import tenant_create
    from catalog.models import Book, BookFacet, BookSales
    from catalog.services import catalog_seed
    from orders.models import CartHeader, CartLine

    tenant_id = "capacity-shop"
    tenant_create(tenant_id=tenant_id, name="Capacity model")
    catalog_seed(tenant_id=tenant_id, target=CATALOGUE_BOOKS, seed=1)
    books = {key: item for key, item in raw_items(Book).items() if item["sk"]["S"] == Book.SORT_KEY}
    book_sizes = sorted(item_size(item) for item in books.values())
    chosen = [Book.from_raw_data(item) for item in books.values()]

    orders = {lines: measure_order(counter, tenant_id=tenant_id, books=chosen, lines=lines) for lines in ORDER_LINES}
    requests, log_line_bytes = measure_requests(counter, tenant_id=tenant_id, books=chosen)
    order = orders[LINES_PER_CHECKOUT]

    # A cart of LINES_PER_CHECKOUT lines, as the cart endpoints leave it (the lines and the header, SK `CART`).
    from accounts.services import user_create
    from orders.services import cart_add

    user = user_create(tenant_id=tenant_id, email="capacity-cart@example.com", password="capacity-pass-123")
    for book in chosen[:LINES_PER_CHECKOUT]:
        cart_add(tenant_id=tenant_id, user_id=user.user_id, book_id=book.book_id, quantity=1)
    cart_items = [item for item in raw_items(CartLine).values() if item["pk"]["S"].endswith(user.user_id)]
    cart_line_size = statistics.median(item_size(item) for item in cart_items if item["sk"]["S"] != CartHeader.SORT_KEY)
    cart_header_size = max(item_size(item) for item in cart_items if item["sk"]["S"] == CartHeader.SORT_KEY)

    # The stock item as checkout left it (the checkout's own write, read back from the table).
    from catalog.models import BookStock
    from orders.models import IdempotencyRecord

    stock_item = next(new for model, _, new in order.checkout_writes if model is Book)
    for measured in orders.values():
        if any(model is Book and new["sk"]["S"] != BookStock.SORT_KEY for model, _, new in measured.checkout_writes):
            raise RuntimeError("checkout wrote a book item: the model below assumes sales write stock items only")

    listing_calls, _ = counter.measure(
        lambda: list(Book.catalog_newest_index.query(f"{tenant_id}#BOOKS", limit=LISTING_PAGE))
    )
    return Measured(
        tenant_id=tenant_id,
        books={item["pk"]["S"]: item for item in books.values()},
        book_sizes=book_sizes,
        facet_size=int(statistics.median(item_size(i) for i in raw_items(BookFacet).values())),
        sales_size=int(statistics.median(item_size(i) for i in raw_items(BookSales).values())),
        cart_line_size=int(cart_line_size),
        cart_header_size=int(cart_header_size),
        idempotency_size=item_size(next(new for m, _, new in order.checkout_writes if m is IdempotencyRecord)),
        checkout_writes=order.checkout_writes,
        counter_writes=order.counter_writes,
        stock_item=stock_item,
        checkout_calls=order.checkout_calls,
        listing_calls=describe(listing_calls),
        orders=orders,
        requests=requests,
        log_line_bytes=log_line_bytes,
    )


# --- The access patterns -------------------------------------------------------------------


@dataclass
class Pattern:
    name: str
    per_second: Decimal  # at the sale-day mix
    load: Load
    note: str = ""


def patterns(m: Measured) -> list[Pattern]:
    from catalog.models import Book

    t = m.tenant_id
    book = int(statistics.median(m.book_sizes))
    stock = item_size(m.stock_item)
    lines = LINES_PER_CHECKOUT
    listing_rate = PAGE_VIEWS_PER_SECOND * LISTING_SHARE_OF_PAGE_VIEWS
    found = []

    listing = Load(calls=m.listing_calls)
    read(listing, "books/catalog-newest-index", "{t}#BOOKS", [book] * LISTING_PAGE, consistent=False)
    found.append(Pattern("GET books (page of 20)", listing_rate, listing, "tenant-wide GSI key"))

    category = Load(calls="Query books/category-index")
    read(category, "books/category-index", "{t}#CATEGORY#{name}", [book] * LISTING_PAGE, consistent=False)
    found.append(Pattern("GET books?category= (page of 20)", Decimal(0), category, "not in the mix; per category"))

    detail = Load(calls="BatchGetItem books (book + stock item)")
    read(detail, "books", None, [book, stock], consistent=False)
    found.append(Pattern("GET books/{id}", PAGE_VIEWS_PER_SECOND - listing_rate, detail))

    categories = Load(calls="Query book_facets")
    read(categories, "book_facets", "{t}#CATEGORY", [m.facet_size] * 30, consistent=False)
    found.append(Pattern("GET books/categories", Decimal(0), categories, "not in the mix; 30 categories"))

    best = Load(calls="Query book_sales/bestsellers-index, BatchGetItem books")
    read(best, "book_sales/bestsellers-index", "{t}#BESTSELLERS", [m.sales_size] * LISTING_PAGE, consistent=False)
    read(best, "books", None, [book] * LISTING_PAGE, consistent=False)
    found.append(Pattern("GET books/bestsellers", Decimal(0), best, "not in the mix"))

    search = Load(calls="Elasticsearch only")
    found.append(Pattern("GET books/search", Decimal(SEARCHES_PER_SECOND), search, "no DynamoDB read"))

    found.append(Pattern("POST cart/add (cart of 2)", Decimal(CART_WRITES_PER_SECOND), cart_load(m)))

    checkout = checkout_load(m, m.orders[lines])
    found.append(Pattern(f"POST purchases/checkout ({lines} lines)", Decimal(CHECKOUTS_PER_SECOND), checkout))
    counters = counters_load(m, m.orders[lines])
    found.append(Pattern("stream: sales counters per order", Decimal(CHECKOUTS_PER_SECOND), counters))

    edit = Load(calls="BatchGetItem books (consistent), TransactWriteItems books")
    read(edit, "books", None, [book, stock], consistent=True)
    sample = m.books[next(old for model, old, _ in m.checkout_writes if model is Book)["pk"]["S"]]
    edited = dict(sample, description={"S": sample.get("description", {"S": ""})["S"] + " (edited)"})
    write(edit, Book, sample, edited, tenant_id=t, transactional=True)
    edit.search_writes = 1
    found.append(Pattern("PATCH books/{id} description (admin)", Decimal(0), edit))
    return found


def cart_load(m: Measured) -> Load:
    """POST cart/add on a cart of two lines: reads the book, the cart, the cart's books; writes the line and header."""
    book = int(statistics.median(m.book_sizes))
    stock = item_size(m.stock_item)
    user_key = item_key()
    cart = Load(
        calls="BatchGetItem books, Query shopping_cart, BatchGetItem books, "
        "TransactWriteItems shopping_cart (line + header)"
    )
    read(cart, "books", None, [book, stock], consistent=False)
    read(cart, "shopping_cart", user_key, [m.cart_header_size] + [m.cart_line_size] * 2, consistent=True)
    read(cart, "books", None, [book, stock] * 2, consistent=False)
    for size in (m.cart_line_size, m.cart_header_size):
        cart.wcu[("shopping_cart", user_key)] += units(size, WRITE_UNIT_BYTES) * TRANSACTION_FACTOR
    return cart


def checkout_load(m: Measured, order: OrderMeasure) -> Load:
    """POST purchases/checkout of `order`: its reads and every item and index copy its transaction wrote."""
    from catalog.models import Book

    checkout = Load(calls=order.checkout_calls)
    read(checkout, "idempotency_keys", None, [m.idempotency_size], consistent=True)
    read(checkout, "shopping_cart", item_key(), [m.cart_line_size] * order.lines, consistent=True)
    for model, old, new in order.checkout_writes:
        if model is Book:  # the BatchGetItem reads the book and its stock item
            read(checkout, "books", None, [item_size(m.books[old["pk"]["S"]]), item_size(old)], consistent=False)
        write(checkout, model, old, new, tenant_id=m.tenant_id, transactional=True)
    # No search document moves: only a book whose stock crosses zero is reindexed (its
    # `in_stock`), which the sale-day mix leaves out.
    checkout.search_writes = 0
    return checkout


def counters_load(m: Measured, order: OrderMeasure) -> Load:
    """The purchases stream's sales and co-purchase counters for `order` (marker-guarded transactions)."""
    counters = Load(calls="TransactWriteItems book_sales+co_purchases+sales_markers")
    for model, old, new in order.counter_writes:
        write(counters, model, old, new, tenant_id=m.tenant_id, transactional=True)
    return counters


def checkout_line_cost(m: Measured) -> tuple[Decimal, int]:
    """WCU of the book-side write of one sold line (its stock item), and how many items/index copies that is."""
    from catalog.models import Book

    load = Load()
    old, new = next((old, new) for model, old, new in m.checkout_writes if model is Book)
    write(load, Book, old, new, tenant_id=m.tenant_id, transactional=True)
    return load.total_wcu, len(load.wcu)


def cost(load: Load, per_order: Decimal) -> Decimal:
    """Dollars per 1,000 orders for a request made `per_order` times per order."""
    dollars = (
        load.total_rcu * PRICE_PER_MILLION_READ_UNITS + load.total_wcu * PRICE_PER_MILLION_WRITE_UNITS
    ) / 1_000_000
    return dollars * per_order * 1000


def fmt(value: float) -> str:
    return "unbounded" if math.isinf(value) else f"{value:,.0f}"


def pattern_rows(found: list[Pattern]) -> list[tuple[str, ...]]:
    rows = []
    for p in found:
        ceiling, where = p.load.ceiling(shared=True)
        item_ceiling, item_where = p.load.ceiling(shared=False)
        per_order = p.per_second / CHECKOUTS_PER_SECOND
        shared = ", ".join(p.load.shared_keys()) or "none"
        rows.append(
            (
                p.name,
                p.load.calls,
                shared,
                f"{p.load.total_rcu:g}",
                f"{p.load.total_wcu:g}",
                fmt(ceiling),
                where,
                fmt(item_ceiling),
                item_where,
                f"{p.per_second:,.0f}",
                f"${cost(p.load, per_order):.4f}" if per_order else "-",
            )
        )
    total = sum((cost(p.load, p.per_second / CHECKOUTS_PER_SECOND) for p in found), Decimal(0))
    rows.append(("DynamoDB, all of the above", "", "", "", "", "", "", "", "", "", f"${total:.4f}"))
    return rows


PATTERN_HEADER = (
    "access pattern",
    "DynamoDB calls",
    "shared partition keys",
    "RCU/req",
    "WCU/req",
    "ceiling req/s (shared key)",
    "its hottest shared key",
    "ceiling req/s (one item)",
    "its hottest item key",
    "sale-day req/s",
    "$ per 1,000 orders",
)


def partition_rows(found: list[Pattern]) -> list[tuple[str, ...]]:
    """Each shared partition key at the sale-day mix: units/s against its limits."""
    rcu: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    wcu: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for p in found:
        for (table, key), value in p.load.rcu.items():
            rcu[(table, collapsed(key))] += value * p.per_second
        for (table, key), value in p.load.wcu.items():
            wcu[(table, collapsed(key))] += value * p.per_second
    rows = []
    for key in sorted(set(rcu) | set(wcu)):
        if key_scope(key[1]) == "item" or not (rcu[key] or wcu[key]):
            continue
        use = max(rcu[key] / PARTITION_RCU, wcu[key] / PARTITION_WCU)
        rows.append((key[1], key[0], f"{rcu[key]:,.0f}", f"{wcu[key]:,.0f}", f"{use:.0%}"))
    return rows


# --- Lambda, the front door, logs, search: the cost of an order end to end -------------------

# The front door chosen for every stage (docs/architecture/decisions/front-door.md), and the others.
CHOSEN_DOOR = "HTTP API"
FRONT_DOORS = {
    "REST API": REST_API_PRICE_PER_MILLION,
    "HTTP API": HTTP_API_PRICE_PER_MILLION,
    "function URL + CloudFront": CLOUDFRONT_HTTPS_PRICE_PER_MILLION,
    "function URL + CloudFront + WAF": CLOUDFRONT_HTTPS_PRICE_PER_MILLION + WAF_PRICE_PER_MILLION,
}


def stage_memory() -> dict[str, int]:
    """Each stage's Lambda memory in MB, from zappa_settings.json (a stage inherits what it does not set)."""
    import json
    from pathlib import Path

    stages = json.loads((Path(__file__).resolve().parent.parent / "zappa_settings.json").read_text())

    def memory(stage: str) -> int:
        config = stages[stage]
        return config.get("memory_size") or memory(config["extends"])

    return {stage: memory(stage) for stage in stages}


def requests_per_order(lines: int) -> dict[str, int]:
    """The API requests behind one order of `lines` lines at the sale-day mix: one cart write per line."""
    listing = int(PAGE_VIEWS_PER_ORDER * LISTING_SHARE_OF_PAGE_VIEWS)
    return {
        "listing": listing,
        "detail": PAGE_VIEWS_PER_ORDER - listing,
        "search": SEARCHES_PER_ORDER,
        "cart": lines,
        "checkout": 1,
    }


def limiter_writes_per_request() -> Decimal:
    """The plan counter's UpdateItems per request: one per chunk of a caller's hits (the standard plan's chunk).

    An upper bound: a shopper whose few requests per window stay under a chunk writes none.
    """
    from django.conf import settings

    from bookstore.ratelimit import plan_chunk, plan_window

    limit, _ = plan_window("standard") if "standard" in settings.TENANT_PLANS else (1, 1)
    return Decimal(1) / plan_chunk(limit)


def lambda_seconds(m: Measured, kind: str, memory_mb: int) -> float:
    """A request's billed duration: the app's measured time scaled to the stage's CPU share, plus its waits.

    Search is not served by the emulated stack: it is a listing's app time plus one engine query.
    """
    measured = m.requests["listing" if kind == "search" else kind]
    calls = 0 if kind == "search" else measured.calls
    waits = calls + float(limiter_writes_per_request())
    cpu = measured.app_seconds * max(1.0, LAMBDA_FULL_VCPU_MB / memory_mb)
    return cpu + waits * DYNAMODB_CALL_SECONDS + (SEARCH_CALL_SECONDS if kind == "search" else 0)


def log_bytes_per_request(m: Measured) -> int:
    """CloudWatch Logs bytes one request ingests: our request line and Lambda's three, each with its metadata."""
    lines = [m.log_line_bytes, *(len(line.encode()) for line in LAMBDA_PLATFORM_LINES)]
    return sum(lines) + LOG_EVENT_OVERHEAD_BYTES * len(lines)


def dynamodb_dollars(load: Load) -> Decimal:
    return (load.total_rcu * PRICE_PER_MILLION_READ_UNITS + load.total_wcu * PRICE_PER_MILLION_WRITE_UNITS) / 1_000_000


def front_door_dollars(*, lines: int, door: str) -> Decimal:
    """The front door's dollars per 1,000 orders of `lines` lines."""
    return sum(requests_per_order(lines).values()) * FRONT_DOORS[door] / 1_000_000 * 1000


def order_costs(
    m: Measured, found: list[Pattern], *, lines: int, memory_mb: int, door: str
) -> list[tuple[str, Decimal]]:
    """Dollars per 1,000 orders of `lines` lines, line by line (the search cluster amortised over a month's orders)."""
    per_order = requests_per_order(lines)
    requests = sum(per_order.values())
    by_name = {p.name: p.load for p in found}
    thousand = Decimal(1000)
    gb = Decimal(memory_mb) / 1024
    lambda_dollars = sum(
        (
            count * (LAMBDA_PRICE_PER_MILLION_REQUESTS / 1_000_000
                     + gb * Decimal(str(lambda_seconds(m, kind, memory_mb))) * LAMBDA_PRICE_PER_GB_SECOND)
            for kind, count in per_order.items()
        ),
        Decimal(0),
    )  # fmt: skip
    reads = per_order["listing"] * dynamodb_dollars(by_name["GET books (page of 20)"])
    reads += per_order["detail"] * dynamodb_dollars(by_name["GET books/{id}"])
    limiter = requests * limiter_writes_per_request() * PRICE_PER_MILLION_WRITE_UNITS / 1_000_000
    logs = Decimal(requests * log_bytes_per_request(m)) / 1024**3 * LOGS_PRICE_PER_GB
    search_monthly = SEARCH_PRICE_PER_GB_RAM_HOUR * SEARCH_RAM_GB * HOURS_PER_MONTH
    order = m.orders[lines]
    return [
        (f"front door: {door}", front_door_dollars(lines=lines, door=door)),
        (f"Lambda, {memory_mb:,} MB", lambda_dollars * thousand),
        ("DynamoDB: catalogue reads", reads * thousand),
        ("DynamoDB: cart writes", per_order["cart"] * dynamodb_dollars(cart_load(m)) * thousand),
        ("DynamoDB: checkout", dynamodb_dollars(checkout_load(m, order)) * thousand),
        ("DynamoDB: sales and co-purchase counters", dynamodb_dollars(counters_load(m, order)) * thousand),
        ("DynamoDB: rate limiter", limiter * thousand),
        ("CloudWatch Logs ingestion", logs * thousand),
        ("search cluster (fixed, amortised)", search_monthly / (Decimal(ORDERS_PER_YEAR) / 12) * thousand),
    ]


def cost_rows(m: Measured, found: list[Pattern]) -> list[tuple[str, ...]]:
    """Cost per 1,000 orders on prod's memory and the chosen door, per line, for each order size."""
    memory = stage_memory()["prod"]
    columns = [order_costs(m, found, lines=n, memory_mb=memory, door=CHOSEN_DOOR) for n in ORDER_LINES]
    rows = [(name, *(f"${column[i][1]:.4f}" for column in columns)) for i, (name, _) in enumerate(columns[0])]
    rows.append(("all of the above", *(f"${sum(v for _, v in column):.4f}" for column in columns)))
    per_order = [requests_per_order(n) for n in ORDER_LINES]
    rows.insert(0, ("API requests per order", *(str(sum(p.values())) for p in per_order)))
    return rows


def front_door_rows(m: Measured, found: list[Pattern]) -> list[tuple[str, ...]]:
    """Each front door: its price, and the total per 1,000 orders of LINES_PER_CHECKOUT lines on prod."""
    memory = stage_memory()["prod"]
    rows = []
    for door, price in FRONT_DOORS.items():
        costs = order_costs(m, found, lines=LINES_PER_CHECKOUT, memory_mb=memory, door=door)
        monthly = WAF_MONTHLY if "WAF" in door else Decimal(0)
        rows.append(
            (
                door + (" (chosen)" if door == CHOSEN_DOOR else ""),
                f"${price:.2f}",
                f"${monthly:.0f}",
                f"${costs[0][1]:.4f}",
                f"${sum(v for _, v in costs):.4f}",
            )
        )
    return rows


def lambda_stage_rows(m: Measured) -> list[tuple[str, ...]]:
    """Per stage: each request's billed duration at the stage's memory, and Lambda's $ per 1,000 orders."""
    rows = []
    for stage, memory in stage_memory().items():
        per_order = requests_per_order(LINES_PER_CHECKOUT)
        seconds = {kind: lambda_seconds(m, kind, memory) for kind in per_order}
        gb = Decimal(memory) / 1024
        dollars = sum(
            (
                count * (LAMBDA_PRICE_PER_MILLION_REQUESTS / 1_000_000
                         + gb * Decimal(str(seconds[kind])) * LAMBDA_PRICE_PER_GB_SECOND)
                for kind, count in per_order.items()
            ),
            Decimal(0),
        ) * 1000  # fmt: skip
        rows.append((stage, f"{memory:,}", *(f"{seconds[kind] * 1000:.1f}" for kind in per_order), f"${dollars:.4f}"))
    return rows


def measured_request_rows(m: Measured) -> list[tuple[str, ...]]:
    return [
        (kind, str(r.calls), f"{r.app_seconds * 1000:.1f}") for kind, r in m.requests.items()
    ] + [("request log line (bytes)", "", f"{m.log_line_bytes}"), ("logged per request with Lambda's lines", "",
                                                                    f"{log_bytes_per_request(m)}")]  # fmt: skip


# What would raise each per-tenant ceiling, by (table or index, key as printed).
RAISE = {
    ("purchases/tenant-index", "{t}#PURCHASES"): "shard the GSI key N ways ({t}#PURCHASES#{0..N-1}); the admins' "
    "list reads N Queries and merges them by created_at",
    ("book_sales/bestsellers-index", "{t}#BESTSELLERS"): "shard the GSI key N ways; a best-seller page reads N "
    "Queries and merges the top; or ADD each book's units once per stream batch",
    ("book_sales/category-bestsellers-index", "{t}#BESTSELLERS#{name}"): "the same, per category",
    ("co_purchases", "{t}#{id}"): "replace the LSI by a GSI (its copies leave the base partition, which can then "
    "split), or ADD each pair once per stream batch",
    ("book_sales", "{t}#{id}"): "ADD each book's units once per stream batch",
    ("books", "{t}#{id}"): "split a best-selling book's stock into N stock items, a checkout reserving from one",
}


PER_USER_TABLES = ("shopping_cart", "idempotency_keys", "purchases", "purchase_tallies", "sales_markers")


def ceiling_rows(m: Measured) -> list[tuple[str, ...]]:
    """Orders/s per tenant before each hot key reaches a partition's limit, by order size.

    A shared key (the tenant's or a category's) takes every order; an item key is the worst case
    of one book in every order (a best-seller on a sale day).
    """
    per_size: dict[tuple[str, str], dict[int, float]] = defaultdict(dict)
    for lines in ORDER_LINES:
        order = m.orders[lines]
        load = Load()
        load.add(checkout_load(m, order))
        load.add(counters_load(m, order))
        hottest: dict[tuple[str, str], float] = {}
        for key in set(load.rcu) | set(load.wcu):
            rcu, wcu = load.rcu.get(key, 0), load.wcu.get(key, 0)
            limit = min(PARTITION_RCU / rcu if rcu else math.inf, PARTITION_WCU / wcu if wcu else math.inf)
            shown_key = (key[0], collapsed(key[1]))
            if key[0] in PER_USER_TABLES:
                continue  # one user's keys: a user does not check out hundreds of times a second
            hottest[shown_key] = min(hottest.get(shown_key, math.inf), float(limit))
        for key, limit in hottest.items():
            per_size[key][lines] = limit
    rows = []
    for key, limits in sorted(per_size.items(), key=lambda kv: (kv[1].get(LINES_PER_CHECKOUT, math.inf), kv[0])):
        rows.append((key[1], key[0], *(fmt(limits.get(n, math.inf)) for n in ORDER_LINES), RAISE.get(key, "-")))
    return rows


def lambda_rows(m: Measured, found: list[Pattern]) -> list[tuple[str, ...]]:
    memory = stage_memory()["prod"]
    api_rate = PAGE_VIEWS_PER_SECOND + SEARCHES_PER_SECOND + CART_WRITES_PER_SECOND + CHECKOUTS_PER_SECOND
    rates = {kind: count * CHECKOUTS_PER_SECOND for kind, count in requests_per_order(LINES_PER_CHECKOUT).items()}
    concurrency = sum(rate * lambda_seconds(m, kind, memory) for kind, rate in rates.items())
    reindexed = sum(p.load.search_writes * p.per_second for p in found)
    return [
        ("API requests/s", f"{api_rate:,}"),
        (f"API Lambda concurrency on prod ({memory:,} MB; rate x duration)",
         f"{concurrency:,.0f} of {LAMBDA_DEFAULT_CONCURRENCY:,}"),
        ("search documents reindexed/s by sales", f"{reindexed:,.0f}"),
    ]  # fmt: skip


def athena_rows() -> list[tuple[str, ...]]:
    """Bytes one report scans over a year of purchase rows, measured from a Parquet file of our schema."""
    import io
    from datetime import UTC, datetime

    import pyarrow as pa
    import pyarrow.parquet as pq

    from analytics.lake_schema import COLUMN_NAMES, purchase_row_schema
    from orders.sale_events import PURCHASED

    rows = 10_000
    now = datetime.now(UTC)
    data = {
        "tenant_id": ["capacity-shop"] * rows,
        "purchase_id": [str(uuid.uuid4()) for _ in range(rows)],
        "line": [i % 3 for i in range(rows)],
        "event_type": [PURCHASED] * rows,
        "event_time": [now] * rows,
        "user_id": [str(uuid.uuid4()) for _ in range(rows)],
        "book_id": [str(uuid.UUID(int=i % 5000)) for i in range(rows)],
        "title": [f"Title number {i % 5000}" for i in range(rows)],
        "category": [f"Category {i % 30}" for i in range(rows)],
        "author": [f"Author {i % 2000}" for i in range(rows)],
        "quantity": [1 + i % 3 for i in range(rows)],
        "unit_price": [Decimal("12.50")] * rows,
        "subtotal": [Decimal("25.00")] * rows,
        "total_amount": [Decimal("60.00")] * rows,
        "payment_method": ["card"] * rows,
        "status": ["completed"] * rows,
        "created_at": [now] * rows,
    }
    table = pa.table({name: data[name] for name in COLUMN_NAMES}, schema=purchase_row_schema())
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="snappy")
    metadata = pq.ParquetFile(io.BytesIO(buffer.getvalue())).metadata
    column_bytes: dict[str, int] = defaultdict(int)
    for group in range(metadata.num_row_groups):
        for column in range(metadata.num_columns):
            chunk = metadata.row_group(group).column(column)
            column_bytes[chunk.path_in_schema] += chunk.total_compressed_size
    year_rows = ORDERS_PER_YEAR * LINES_PER_CHECKOUT
    report_columns = ("book_id", "title", "quantity", "subtotal", "event_type", "status")
    out = []
    for label, columns in (
        ("top-books, one year (6 columns)", report_columns),
        ("every column, one year", COLUMN_NAMES),
    ):
        scanned = sum(column_bytes[c] for c in columns) / rows * year_rows
        dollars = max(scanned, ATHENA_MINIMUM_BYTES) / 1024**4 * float(ATHENA_PRICE_PER_TB)
        out.append((label, f"{year_rows:,}", f"{scanned / 1024**3:,.1f} GB", f"${dollars:.3f}"))
    return out


def render(header, rows, markdown: bool) -> None:
    if not markdown:
        print_table(header, rows)
        return
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--markdown", action="store_true", help="print Markdown tables (for docs/architecture/scaling.md)"
    )
    markdown = parser.parse_args().markdown

    with emulated_stack() as counter:
        m = measure(counter)
        found = patterns(m)
        sizes = m.book_sizes

        def section(title: str) -> None:
            print(f"\n{'### ' if markdown else '== '}{title}\n")

        section("Measured item sizes (bytes, DynamoDB's rules)")
        render(
            ("item", "bytes"),
            [
                ("book, median of the seeded catalogue", f"{statistics.median(sizes):,.0f}"),
                ("book, largest", f"{sizes[-1]:,}"),
                ("stock item", f"{item_size(m.stock_item):,}"),
                ("cart line", f"{m.cart_line_size:,}"),
                ("purchase (3 lines)", f"{max(item_size(n or {}) for mod, _, n in m.checkout_writes):,}"),
                ("book sales counter", f"{m.sales_size:,}"),
            ],
            markdown,
        )
        section("Per access pattern")
        render(PATTERN_HEADER, pattern_rows(found), markdown)
        section("Shared partition keys at the sale-day mix")
        render(
            ("partition key", "table/index", "RCU/s", "WCU/s", "of the partition limit"),
            partition_rows(found),
            markdown,
        )
        section("One sold line: the book-side write")
        wcu, targets = checkout_line_cost(m)
        dollars = wcu * PRICE_PER_MILLION_WRITE_UNITS
        render(
            ("write", "items written", "WCU", "$ per million lines"),
            [("the book's stock item", str(targets), f"{wcu:g}", f"${dollars:.2f}")],
            markdown,
        )
        section("Lambda and Elasticsearch at the sale-day mix")
        render(("quantity", "value"), lambda_rows(m, found), markdown)
        section("Requests measured through Django (warm, in process; the emulator's time taken off)")
        render(("request", "DynamoDB calls", "app ms"), measured_request_rows(m), markdown)
        section("Lambda per stage (billed ms per request at the stage's memory)")
        kinds = tuple(requests_per_order(LINES_PER_CHECKOUT))
        render(("stage", "memory MB", *kinds, f"$ per 1,000 orders of {LINES_PER_CHECKOUT} lines"),
               lambda_stage_rows(m), markdown)  # fmt: skip
        section(f"The front door ({LINES_PER_CHECKOUT}-line orders, prod)")
        render(("front door", "$ per million requests", "$ per month, fixed", "door $ per 1,000 orders",
                "all lines $ per 1,000 orders"), front_door_rows(m, found), markdown)  # fmt: skip
        section(f"Cost per 1,000 orders (prod, {CHOSEN_DOOR})")
        render(("line", *(f"{n} line{'s' if n > 1 else ''}" for n in ORDER_LINES)), cost_rows(m, found), markdown)
        section("Ceilings: orders/s per tenant before a key reaches its partition's limit")
        render(("key", "table/index", *(f"{n} line{'s' if n > 1 else ''}" for n in ORDER_LINES),
                "what would raise it"), ceiling_rows(m), markdown)  # fmt: skip
        section(f"Athena per report at one year ({ORDERS_PER_YEAR:,} orders)")
        render(("report", "rows", "scanned", "$ per run"), athena_rows(), markdown)


if __name__ == "__main__":
    main()
