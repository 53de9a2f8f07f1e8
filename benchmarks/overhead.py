"""Framework overhead: GET books/{id} through the API, divided by the same BatchGetItem through PynamoDB alone.

    python -m benchmarks.overhead

Both run in one process against the same emulator, interleaved, REPEATS times each; the
ratio of the medians is Django + DRF + auth + tenancy + serialization on top of the one
read the endpoint needs (the tenant lookup is cached, as in a warm container). The same
ratio for `GET books/search` against the engine's own client is measured by
`benchmarks.search`, which runs the search engine.
"""

import statistics
import time
from decimal import Decimal

from benchmarks.harness import emulated_stack, print_table, record

TENANT = "bench-overhead"
REPEATS = 300


def _median_ms(action) -> float:
    samples = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def run() -> list[tuple[str, float, float]]:
    from rest_framework.test import APIClient

    from bookstore.tenants import tenant_create
    from catalog.models import Book
    from catalog.services import book_create

    tenant_create(tenant_id=TENANT, name="Overhead")
    book = book_create(
        tenant_id=TENANT, isbn="9780306406157", title="Overhead", author="Bench", category="Fiction",
        price=Decimal("9.99"), stock_quantity=5,
    ).book  # fmt: skip
    client = APIClient()
    url = f"/api/v1/books/{book.book_id}"

    def api() -> None:
        assert client.get(url, HTTP_X_TENANT_ID=TENANT).status_code == 200

    def pynamodb() -> None:
        keys = [{"pk": {"S": book.pk}, "sk": {"S": sk}} for sk in ("BOOK", "STOCK")]
        Book._get_connection().batch_get_item(keys)  # what the endpoint reads: the book and its stock item

    api(), pynamodb()  # warm both paths
    rows = [("GET books/{id}", _median_ms(api), _median_ms(pynamodb))]
    return rows


def main() -> None:
    with emulated_stack():
        rows = run()
    table = []
    for name, api_ms, direct_ms in rows:
        ratio = api_ms / direct_ms
        table.append((name, f"{api_ms:.2f}", f"{direct_ms:.2f}", f"{ratio:.2f}"))
        record("overhead", f"{name} API / PynamoDB", {"api_ms": api_ms, "direct_ms": direct_ms, "ratio": ratio})
    print(f"Framework overhead (median of {REPEATS}, in process, same emulator)")
    print_table(("request", "API ms", "direct ms", "ratio"), table)


if __name__ == "__main__":
    main()
