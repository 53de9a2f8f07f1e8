"""DynamoDB round trips of GET cart and checkout at 1 and 40 lines, and checkouts per second.

    python -m benchmarks.orders

The count must not grow with the lines: a cart is 1 Query + 1 BatchGetItem, a checkout at
most 3 reads + 1 TransactWriteItems. Throughput: 8 client threads, each its own user, each
repeatedly adding a book to its cart and checking out through the API, all against the
in-process patched emulator (which serialises DynamoDB requests, as its fix requires).
"""

import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal

from benchmarks.harness import client_for_new_user, describe, local_stack, print_table, record

TENANT = "bench-orders"
LINE_COUNTS = (1, 40)
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
    lines: int
    calls: int
    operations: str
    median_ms: float


def _books(count: int) -> list[str]:
    """`count` books with plenty of stock, so that every checkout can succeed."""
    from catalog.isbn import isbn13_check_digit
    from catalog.services import book_create

    ids = []
    for n in range(count):
        first12 = f"979{n:09d}"
        book = book_create(
            tenant_id=TENANT,
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


def round_trips(counter, book_ids: list[str]) -> list[Row]:
    rows = []
    for lines in LINE_COUNTS:
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


def run() -> tuple[list[Row], tuple[int, float, list[float]]]:
    with local_stack() as counter:
        from accounts.services import tenant_create

        tenant_create(tenant_id=TENANT, name="Orders benchmark")
        book_ids = _books(100)
        return round_trips(counter, book_ids), throughput(book_ids)


def main() -> None:
    rows, (total, seconds, latencies) = run()
    print_table(
        ("request", "cart lines", "DynamoDB calls", "operations", "median ms"),
        [(r.request, str(r.lines), str(r.calls), r.operations, f"{r.median_ms:,.1f}") for r in rows],
    )
    for r in rows:
        record("round trips", f"{r.request}, {r.lines} cart lines", r.calls)
    latencies.sort()
    record("orders", f"checkouts/s, {CLIENTS} clients in process", round(total / seconds, 1))
    print(
        f"\n{CLIENTS} concurrent clients, {seconds:.1f} s: {total} checkouts = {total / seconds:.1f} checkouts/s"
        f" (latency p50 {statistics.median(latencies):.0f} ms, p95 {latencies[int(len(latencies) * 0.95)]:.0f} ms;"
        " each client also adds its book to the cart before each checkout)"
    )


if __name__ == "__main__":
    main()
