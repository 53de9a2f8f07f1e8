"""DynamoDB round trips of the cart, checkout and purchase reads at small and large sizes, and checkouts per second.

    python -m benchmarks.orders

Cart and checkout at 1 line and at CART_MAX_LINES, the most a cart holds (a line more is
refused with 400 `cart_full`). A cart is 1 Query + 1 BatchGetItem, a
checkout at most 3 reads + 1 TransactWriteItems, whatever the lines.

The purchase reads at 1 and at 500 purchases: one customer of a tenant of their own has
placed that many orders (real checkouts through the services), and their history page,
one purchase, their summary, the admin's tenant-wide list and their recommendations are
counted. Recommendations read the purchases and ask the search engine, so noida-db runs
on a free port with the tenant's books indexed. GET books/bestsellers does not read
purchases (it reads the sales counters the purchases stream keeps), so it is not here.

Throughput: 8 client threads, each its own user, each repeatedly adding a book to its
cart and checking out through the API, all against the in-process patched emulator (which
serialises DynamoDB requests, as its fix requires).
"""

import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from benchmarks.harness import client_for_new_user, describe, emulated_stack, print_table, record, record_round_trips

TENANT = "bench-orders"
PURCHASE_COUNTS = (1, 500)
REPEATS = 3
CLIENTS = 8
THROUGHPUT_SECONDS = 10.0
CHECKOUT_BODY = {
    "payment_method": "card",
    "shipping_address": {"line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013", "country": "ES"},
}


@dataclass(frozen=True)
class Row:
    request: str
    lines: int  # cart lines, or purchases
    calls: int
    operations: str
    median_ms: float


def _books(count: int, tenant_id: str = TENANT) -> list[str]:
    """`count` books with plenty of stock, so that every checkout can succeed."""
    from catalog.isbn import isbn13_check_digit
    from catalog.services import book_create

    ids = []
    for n in range(count):
        first12 = f"979{n:09d}"
        book = book_create(
            tenant_id=tenant_id,
            isbn=first12 + isbn13_check_digit(first12),
            title=f"Benchmark book {n}",
            author="Bench Author",
            category="Fiction",
            price=Decimal("10.00"),
            stock_quantity=100_000,
        )
        ids.append(book.book.book_id)
    return ids


def _fill(client, book_ids: list[str]) -> None:
    for book_id in book_ids:
        response = client.post("/api/v1/cart/add", {"book_id": book_id, "quantity": 1}, format="json")
        assert response.status_code == 200, response.content[:300]


def _checkout(client) -> None:
    response = client.post(
        "/api/v1/purchases/checkout", CHECKOUT_BODY, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
    )
    assert response.status_code == 201, response.content[:300]


def _measure(counter, request: str, size: int, action) -> Row:
    """`action` once to warm, then REPEATS times counted and timed."""
    action()
    samples = [counter.measure(action) for _ in range(REPEATS)]
    calls = samples[-1][0]
    return Row(request, size, sum(calls.values()), describe(calls), statistics.median(ms for _, ms in samples))


def round_trips(counter, book_ids: list[str]) -> list[Row]:
    from django.conf import settings

    rows = []
    for lines in (1, settings.CART_MAX_LINES):
        client = client_for_new_user(TENANT, f"lines{lines}@example.com")
        _fill(client, book_ids[:lines])

        def view_cart(client=client, lines=lines):
            assert len(client.get("/api/v1/cart").json()["items"]) == lines

        view_cart()  # warm
        samples = [counter.measure(view_cart) for _ in range(REPEATS)]
        rows.append(
            Row(
                "GET cart",
                lines,
                sum(samples[-1][0].values()),
                describe(samples[-1][0]),
                statistics.median(ms for _, ms in samples),
            )
        )
        samples = []
        for _ in range(REPEATS):
            _fill(client, book_ids[:lines])
            samples.append(counter.measure(lambda client=client: _checkout(client)))
        rows.append(
            Row(
                "POST purchases/checkout",
                lines,
                sum(samples[-1][0].values()),
                describe(samples[-1][0]),
                statistics.median(ms for _, ms in samples),
            )
        )
    return rows


def _get(client, url: str):
    def call():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])

    return call


def purchase_round_trips(counter) -> list[Row]:
    """The purchase reads of a customer with 1 and with 500 purchases, each in a tenant of its own."""
    from bookstore.tenants import tenant_create
    from catalog.search.rebuild import search_index_rebuild
    from orders.services import cart_add, checkout

    rows = []
    for count in PURCHASE_COUNTS:
        tenant_id = f"bench-purchases-{count}"
        tenant_create(tenant_id=tenant_id, name=tenant_id)
        book_ids = _books(20, tenant_id=tenant_id)
        search_index_rebuild(tenant_id=tenant_id)
        customer = client_for_new_user(tenant_id, f"customer@{tenant_id}.example.com")
        admin = client_for_new_user(tenant_id, f"admin@{tenant_id}.example.com", role="admin")
        user_id = customer.get("/api/v1/users/profile").json()["user_id"]
        for n in range(count):
            cart_add(tenant_id=tenant_id, user_id=user_id, book_id=book_ids[n % len(book_ids)], quantity=1)
            purchase, placed = checkout(
                tenant_id=tenant_id,
                user_id=user_id,
                idempotency_key=str(uuid.uuid4()),
                payment_method="card",
                shipping_address=CHECKOUT_BODY["shipping_address"],
            )
            assert placed
        page = customer.get("/api/v1/purchases").json()
        assert len(page["results"]) == min(count, 20)
        assert (page["next"] is None) == (count == 1)
        for request, client, url in (
            ("GET purchases (history, first page)", customer, "/api/v1/purchases"),
            ("GET purchases?status=cancelled (none are)", customer, "/api/v1/purchases?status=cancelled"),
            ("GET purchases/{id}", customer, f"/api/v1/purchases/{purchase.purchase_id}"),
            ("GET purchases/analytics/summary", customer, "/api/v1/purchases/analytics/summary"),
            ("GET admin/purchases (admin, first page)", admin, "/api/v1/admin/purchases"),
            ("GET books/recommendations/{user_id}", customer, f"/api/v1/books/recommendations/{user_id}"),
        ):
            rows.append(_measure(counter, request, count, _get(client, url)))
    return rows


def throughput(book_ids: list[str]) -> tuple[int, float, list[float]]:
    """Checkouts completed by CLIENTS threads in THROUGHPUT_SECONDS, and each checkout's latency."""
    clients = [client_for_new_user(TENANT, f"buyer{n}@example.com") for n in range(CLIENTS)]
    deadline = time.perf_counter() + THROUGHPUT_SECONDS
    latencies: list[float] = []
    lock = threading.Lock()

    def buyer(n: int) -> int:
        done = 0
        while time.perf_counter() < deadline:
            _fill(clients[n], [book_ids[(n + done) % len(book_ids)]])
            started = time.perf_counter()
            _checkout(clients[n])
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
            done += 1
        return done

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        total = sum(pool.map(buyer, range(CLIENTS)))
    return total, time.perf_counter() - started, latencies


def run() -> tuple[list[Row], list[Row], tuple[int, float, list[float]]]:
    with emulated_stack() as counter, tempfile.TemporaryDirectory(prefix="bench-orders-search-") as data_dir:
        from django.conf import settings

        from bookstore.tenants import tenant_create
        from local_stack.search_engine import start_search_engine

        tenant_create(tenant_id=TENANT, name="Orders benchmark")
        book_ids = _books(100)
        cart_rows = round_trips(counter, book_ids)
        engine = start_search_engine(port=settings.SEARCH_PORT, data_dir=Path(data_dir))
        try:
            purchase_rows = purchase_round_trips(counter)
        finally:
            engine.stop()
        return cart_rows, purchase_rows, throughput(book_ids)


def _record(rows: list[Row], unit: str, note: Callable[[str, int, int], str] = lambda *_: "") -> None:
    sizes = sorted({r.lines for r in rows})
    calls = {(r.request, r.lines): r.calls for r in rows}
    for request in dict.fromkeys(r.request for r in rows):
        small, large = (calls[request, size] for size in sizes)
        record_round_trips(
            request,
            tuple(f"{size} {unit}{'s' if size > 1 else ''}" for size in sizes),
            (small, large),
            note(request, small, large),
        )


def _purchases_note(request: str, small: int, large: int) -> str:
    """Why a count that grows with the purchases stops growing."""
    if large <= small:
        return ""
    if request.startswith("GET books/recommendations"):
        return "bounded: 50 purchases read, one sales Query per recent bought book, at most 3"
    if "status=" in request:
        return "bounded: a filtered page reads at most 1,000 items (10 Queries), then returns a short page"
    return ""


def main() -> None:
    cart_rows, purchase_rows, (total, seconds, latencies) = run()
    print_table(
        ("request", "cart lines", "DynamoDB calls", "operations", "median ms"),
        [(r.request, str(r.lines), str(r.calls), r.operations, f"{r.median_ms:,.1f}") for r in cart_rows],
    )
    print()
    print_table(
        ("request", "purchases", "DynamoDB calls", "operations", "median ms"),
        [(r.request, str(r.lines), str(r.calls), r.operations, f"{r.median_ms:,.1f}") for r in purchase_rows],
    )
    print("\n(ms: the emulator's; recommendations also make one search engine request, not counted here)\n")
    _record(cart_rows, "cart line")
    _record(purchase_rows, "purchase", _purchases_note)
    latencies.sort()
    record("orders", f"checkouts/s, {CLIENTS} clients in process", round(total / seconds, 1))
    print(
        f"\n{CLIENTS} concurrent clients, {seconds:.1f} s: {total} checkouts = {total / seconds:.1f} checkouts/s"
        f" (latency p50 {statistics.median(latencies):.0f} ms, p95 {latencies[int(len(latencies) * 0.95)]:.0f} ms;"
        " each client also adds its book to the cart before each checkout)"
    )


if __name__ == "__main__":
    main()
