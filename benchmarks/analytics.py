"""Reports from the lake with DuckDB versus the same answers computed from DynamoDB.

    python -m benchmarks.analytics

Writes 1,000,000 purchase-item rows over 90 days and 2 tenants in the lake's layout (four
files per tenant-day, as stream batches leave them), then times `top-books` and
`revenue-by-category` through the DuckDB runner (cache off) for one tenant's 90 days
(500,000 rows). For comparison it puts 10,000 purchases in the emulator's DynamoDB and
computes the same two answers by reading them through the purchases GSI `tenant-index`
(the admins' paginated list, 100 per page). Goal: each report under 300 ms.
"""

import random
import statistics
import tempfile
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from benchmarks.harness import emulated_stack, print_table, record

TENANTS = ("bench-a", "bench-b")
DAYS = 90
ROWS = 1_000_000
FILES_PER_DAY = 4
BOOKS = 2_000
CATEGORIES = ("Fiction", "Poetry", "Science", "History", "Children", "Travel", "Cooking", "Art")
DYNAMODB_PURCHASES = 10_000
REPEATS = 5
FIRST_DAY = date(2025, 1, 1)


def _write_lake(root: str) -> int:
    """The rows, written with pyarrow in the exporter's layout; returns the number of files."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    money = pa.decimal128(12, 2)
    timestamp = pa.timestamp("us", tz="UTC")
    prices = [Decimal(random.randint(300, 4000)) / 100 for _ in range(BOOKS)]
    rows_per_file = ROWS // (len(TENANTS) * DAYS * FILES_PER_DAY)
    files = 0
    serial = 0
    for tenant_id in TENANTS:
        for offset in range(DAYS):
            day = FIRST_DAY + timedelta(days=offset)
            folder = f"{root}/{tenant_id}/purchases/year={day:%Y}/month={day:%m}/day={day:%d}"
            moment = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
            for batch in range(FILES_PER_DAY):
                columns = defaultdict(list)
                for n in range(rows_per_file):
                    serial += 1
                    book = random.randrange(BOOKS)
                    quantity = 1 + n % 3
                    cancelled = serial % 50 == 0
                    for event_type in ("purchased", "cancelled") if cancelled else ("purchased",):
                        columns["tenant_id"].append(tenant_id)
                        columns["purchase_id"].append(f"p{serial // 2}")
                        columns["line"].append(serial % 2)
                        columns["event_type"].append(event_type)
                        columns["event_time"].append(moment)
                        columns["user_id"].append(f"u{serial % 5000}")
                        columns["book_id"].append(f"book-{book}")
                        columns["title"].append(f"Title {book}")
                        columns["category"].append(CATEGORIES[book % len(CATEGORIES)])
                        columns["author"].append(f"Author {book % 300}")
                        columns["quantity"].append(quantity)
                        columns["unit_price"].append(prices[book])
                        columns["subtotal"].append(prices[book] * quantity)
                        columns["payment_method"].append("card")
                        columns["status"].append("cancelled" if event_type == "cancelled" else "completed")
                        columns["total_amount"].append(prices[book] * quantity)
                        columns["created_at"].append(moment)
                types = {"event_time": timestamp, "created_at": timestamp, "line": pa.int32(), "quantity": pa.int32()}
                types |= {"unit_price": money, "subtotal": money, "total_amount": money}
                table = pa.table({name: pa.array(values, type=types.get(name)) for name, values in columns.items()})
                import os

                os.makedirs(folder, exist_ok=True)
                pq.write_table(table, f"{folder}/batch-{batch}.parquet")
                files += 1
    return files


def _time(action, repeats: int = REPEATS, warm: bool = True) -> tuple[float, object]:
    """The median wall time in ms of `repeats` runs (after one warm-up run), and the last result."""
    samples, result = [], None
    if warm:
        action()  # imports, first open of the files
    for _ in range(repeats):
        started = time.perf_counter()
        result = action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), result


def _dynamodb_purchases(tenant_id: str) -> None:
    from bookstore.dynamodb.clock import now
    from orders.models import Purchase, PurchaseItem, ShippingAddress

    address = ShippingAddress(line1="Calle Mayor 1", city="Madrid", postal_code="28013", country="ES")
    with Purchase.batch_write() as batch:
        for n in range(DYNAMODB_PURCHASES):
            book = n % BOOKS
            items = [
                PurchaseItem(
                    book_id=f"book-{(book + line) % BOOKS}",
                    title=f"Title {book}",
                    category=CATEGORIES[(book + line) % len(CATEGORIES)],
                    author="A",
                    quantity=1 + line,
                    unit_price=Decimal("12.50"),
                    subtotal=Decimal("12.50") * (1 + line),
                )
                for line in range(2)
            ]
            batch.save(
                Purchase(
                    pk=Purchase.key(tenant_id, f"user{n % 500}"),
                    sk=Purchase.sort_key(f"p{n:06d}"),
                    tenant_key=Purchase.tenant_key_for(tenant_id),
                    tenant_id=tenant_id,
                    user_id=f"user{n % 500}",
                    purchase_id=f"p{n:06d}",
                    items=items,
                    total_amount=Decimal("37.50"),
                    status="completed",
                    payment_method="card",
                    shipping_address=address,
                    created_at=now() - timedelta(minutes=n),
                )
            )


def _from_dynamodb(tenant_id: str) -> tuple[dict, dict]:
    """Top books and revenue by category of every purchase, read through the GSI page by page."""
    from orders.selectors import tenant_purchases_list

    units, revenue = defaultdict(int), defaultdict(Decimal)
    cursor, pages = None, 0
    while True:
        page = tenant_purchases_list(tenant_id=tenant_id, limit=100, cursor=cursor)
        pages += 1
        for purchase in page.items:
            if purchase.status == "cancelled":
                continue
            for item in purchase.items:
                units[item.book_id] += int(item.quantity)
                revenue[item.category] += item.subtotal
        cursor = page.next_cursor
        if not cursor:
            return dict(sorted(units.items(), key=lambda kv: -kv[1])[:10]), dict(revenue)


def main() -> None:
    random.seed(0)
    with emulated_stack(), tempfile.TemporaryDirectory(prefix="bench-lake-") as root:
        from django.test import override_settings

        started = time.perf_counter()
        files = _write_lake(root)
        print(f"Wrote {ROWS:,} rows in {files} files in {time.perf_counter() - started:.1f} s", flush=True)
        storage = {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root, "allow_overwrite": True},
        }
        from django.conf import settings

        with override_settings(
            STORAGES={**settings.STORAGES, "analytics": storage},
            ANALYTICS_QUERY_RUNNER="analytics.runners.duckdb.DuckDBRunner",
            ANALYTICS_CACHE_SECONDS=0,
        ):
            from analytics.selectors import report_revenue_by_category, report_top_books

            scope = {"tenant_id": TENANTS[0], "date_from": FIRST_DAY, "date_to": FIRST_DAY + timedelta(days=DAYS - 1)}
            top_ms, top = _time(lambda: report_top_books(**scope, limit=10))
            category_ms, _ = _time(lambda: report_revenue_by_category(**scope))
            week = {**scope, "date_from": scope["date_to"] - timedelta(days=6)}
            week_ms, _ = _time(lambda: report_top_books(**week, limit=10))
        assert len(top) == 10

        from accounts.services import tenant_create

        tenant_create(tenant_id="bench-ddb", name="Analytics benchmark")
        _dynamodb_purchases("bench-ddb")
        dynamodb_ms, _ = _time(
            lambda: _from_dynamodb("bench-ddb"), repeats=1, warm=False
        )  # seconds per run: once is enough

    rows_per_tenant = ROWS // len(TENANTS)
    lake = f"DuckDB, {ROWS:,}-row lake"
    record("analytics", f"top-books, 90 days ({rows_per_tenant:,} rows), {lake}", {"median_ms": top_ms})
    record("analytics", f"revenue-by-category, 90 days, {lake}", {"median_ms": category_ms})
    record("analytics", f"top-books, 7 days, {lake}", {"median_ms": week_ms})
    record(
        "analytics",
        f"both from DynamoDB ({DYNAMODB_PURCHASES:,} purchases via tenant-index)",
        {"ms": dynamodb_ms, "vs DuckDB": f"{dynamodb_ms / max(top_ms, category_ms):,.0f}x slower"},
    )
    print_table(
        ("report", "source", "rows read", "median ms", "vs DynamoDB"),
        [
            (
                "top-books (90 days)",
                "DuckDB runner",
                f"{rows_per_tenant:,}",
                f"{top_ms:,.1f}",
                f"{dynamodb_ms / top_ms:,.0f}x",
            ),
            (
                "revenue-by-category (90 days)",
                "DuckDB runner",
                f"{rows_per_tenant:,}",
                f"{category_ms:,.1f}",
                f"{dynamodb_ms / category_ms:,.0f}x",
            ),
            ("top-books (7 days)", "DuckDB runner", f"~{rows_per_tenant * 7 // DAYS:,}", f"{week_ms:,.1f}", ""),
            (
                "both, in Python",
                "DynamoDB GSI tenant-index",
                f"{DYNAMODB_PURCHASES:,} purchases",
                f"{dynamodb_ms:,.1f}",
                "1x",
            ),
        ],
    )
    print(
        f"\nGoal: each report under 300 ms on {ROWS:,} rows: {'met' if max(top_ms, category_ms) < 300 else 'MISSED'}."
    )


if __name__ == "__main__":
    main()
