"""Purchases → Parquet: rows per second by batch size, files per 10,000 purchases, checkout-to-lake lag.

    python -m benchmarks.streams

Rows per second is CPU only (rows built from stream images, written to a local folder
through the Django storage). The lag runs the stack `make run` runs: the patched emulator,
the poller thread at STREAMS_POLL_INTERVAL_SECONDS of the local settings (0.5 s), a
checkout through the service, and the time until its row's file exists.
"""

import statistics
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from benchmarks.harness import emulated_stack, print_table, record

BATCH_SIZES = (100, 1000)
PURCHASES = 10_000
LAG_SAMPLES = 5
ITEMS_PER_PURCHASE = 2


def _image(n: int, created: datetime) -> dict:
    items = [
        {
            "book_id": f"book-{(n + i) % 500}",
            "title": f"Title {i}",
            "category": "Fiction",
            "author": "Author",
            "quantity": Decimal(1),
            "unit_price": Decimal("12.50"),
            "subtotal": Decimal("12.50"),
        }
        for i in range(ITEMS_PER_PURCHASE)
    ]
    return {
        "tenant_id": "bench",
        "purchase_id": str(uuid.uuid4()),
        "user_id": f"user-{n % 100}",
        "items": items,
        "total_amount": Decimal("25.00"),
        "status": "completed",
        "payment_method": "card",
        "created_at": created.strftime("%Y-%m-%dT%H:%M:%S.%f+0000"),
    }


def _lake_settings(folder: str) -> dict:
    from django.conf import settings

    options = {"location": folder, "allow_overwrite": True}
    return {**settings.STORAGES, "analytics": {**settings.STORAGES["analytics"], "OPTIONS": options}}


def throughput() -> list[tuple[str, ...]]:
    from django.test import override_settings

    from analytics.lake import rows_for_change, write_rows

    table = []
    start_day = datetime(2026, 1, 1, tzinfo=UTC)
    images = [_image(n, start_day + timedelta(minutes=n)) for n in range(PURCHASES)]  # ~7 days
    for batch_size in BATCH_SIZES:
        folder = tempfile.mkdtemp(prefix="bench-lake-")
        with override_settings(STORAGES=_lake_settings(folder)):
            started = time.perf_counter()
            rows_total = 0
            for first in range(0, PURCHASES, batch_size):
                rows = []
                for image in images[first : first + batch_size]:
                    rows += rows_for_change(event_name="INSERT", new=image, old=None, approximate_time=start_day)
                write_rows(rows, first_record_id=f"{first}")
                rows_total += len(rows)
            elapsed = time.perf_counter() - started
        files = sum(1 for _ in Path(folder).rglob("*.parquet"))
        table.append((str(batch_size), str(rows_total), f"{rows_total / elapsed:,.0f}", str(files)))
    return table


def lag() -> list[float]:
    from django.conf import settings

    from accounts.services import user_create
    from bookstore.tenants import tenant_create
    from catalog.isbn import isbn13_check_digit
    from catalog.services import book_create
    from orders.services import cart_add, checkout
    from streams.poller import StreamPoller, skip_backlog

    tenant_create(tenant_id="bench-lag", name="Bench")
    user = user_create(tenant_id="bench-lag", email="lag@example.com", password="bench-pass-123")
    body = "979000000001"
    book = book_create(
        tenant_id="bench-lag",
        isbn=body + isbn13_check_digit(body),
        title="Lag",
        author="A",
        category="Fiction",
        price=Decimal("10.00"),
        stock_quantity=1000,
    ).book
    skip_backlog()
    stop = threading.Event()
    poller = threading.Thread(
        target=StreamPoller(tables=["purchases"]).run_forever, kwargs={"stop": stop, "interval": 0.5}
    )
    poller.start()
    lake = Path(settings.STORAGES["analytics"]["OPTIONS"]["location"]) / "bench-lag"
    samples = []
    try:
        for _ in range(LAG_SAMPLES):
            before = set(lake.rglob("*.parquet")) if lake.exists() else set()
            cart_add(tenant_id="bench-lag", user_id=user.user_id, book_id=book.book_id, quantity=1)
            started = time.perf_counter()
            checkout(
                tenant_id="bench-lag",
                user_id=user.user_id,
                idempotency_key=str(uuid.uuid4()),
                payment_method="card",
                shipping_address={"line1": "x", "city": "y", "postal_code": "1", "country": "ES"},
            )
            while not (lake.exists() and set(lake.rglob("*.parquet")) - before):
                time.sleep(0.01)
            samples.append((time.perf_counter() - started) * 1000)
    finally:
        stop.set()
        poller.join()
    return samples


def main() -> None:
    from django.test import override_settings

    with emulated_stack():
        print(f"Purchases → Parquet ({PURCHASES:,} purchases of {ITEMS_PER_PURCHASE} items over ~7 days, local folder)")
        rates = throughput()
        print_table(("batch size", "rows", "rows/s", "files"), rates)
        for batch_size, _, rate, files in rates:
            record("streams", f"purchases → Parquet, batch {batch_size}", f"{rate} rows/s, {files} files")
        with override_settings(STORAGES=_lake_settings(tempfile.mkdtemp(prefix="bench-lag-"))):
            samples = lag()
        print(f"\nCheckout → row in the lake, poller polling every 0.5 s ({LAG_SAMPLES} checkouts)")
        print_table(("median ms", "max ms"), [(f"{statistics.median(samples):.0f}", f"{max(samples):.0f}")])
        record("streams", "checkout → lake lag", {"median_ms": statistics.median(samples), "max_ms": max(samples)})


if __name__ == "__main__":
    main()
