"""Fixtures of the analytics tests: a private lake (folder or S3 bucket), and purchases in it.

`lake.write(rows)` writes rows through the purchases exporter's own writer
(`analytics.lake.write_rows`), as one stream batch would: the same schema and the layout
`{tenant}/purchases/year=/month=/day=/*.parquet`, one row per purchase item and event.
The end-to-end test drives the real checkout and stream poller instead.
"""

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import override_settings

_file_serial = itertools.count(1)


@dataclass
class Item:
    book_id: str
    title: str
    category: str
    quantity: int
    unit_price: Decimal


@dataclass
class LakePurchase:
    """A purchase as the lake sees it; `rows(event_type)` gives its rows for one event."""

    tenant_id: str
    user_id: str
    created_at: datetime
    items: list[Item]
    purchase_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    cancelled: bool = False

    @property
    def total(self) -> Decimal:
        return sum((i.unit_price * i.quantity for i in self.items), Decimal("0.00"))

    def rows(self, event_type: str = "purchased", event_time: datetime | None = None) -> list[dict]:
        return [
            {
                "tenant_id": self.tenant_id,
                "purchase_id": self.purchase_id,
                "line": line,
                "event_type": event_type,
                "event_time": event_time or self.created_at,
                "user_id": self.user_id,
                "book_id": item.book_id,
                "title": item.title,
                "category": item.category,
                "author": "Some Author",
                "quantity": item.quantity,
                "unit_price": item.unit_price,
                "subtotal": item.unit_price * item.quantity,
                "payment_method": "card",
                "status": "cancelled" if event_type == "cancelled" else "completed",
                "total_amount": self.total,
                "created_at": self.created_at,
            }
            for line, item in enumerate(self.items)
        ]


class LakeWriter:
    """Writes purchases' rows as the exporter does: one file per (tenant, day) of each batch."""

    def write(self, rows: list[dict]) -> list[str]:
        """Write `rows` as one stream batch: the exporter's own writer, one file per partition."""
        from analytics.lake import write_rows

        batch = f"{next(_file_serial):06d}"
        return write_rows(rows, first_record_id=batch)

    @staticmethod
    def purchase(
        tenant_id: str, user_id: str, day: str, lines: list[tuple[int, int]], *, cancelled=False, hour=12
    ) -> LakePurchase:
        """A purchase of `lines` ((index in BOOKS, quantity), ...) on `day` at `hour` UTC."""
        items = [_item(BOOKS[index], quantity) for index, quantity in lines]
        return LakePurchase(tenant_id, user_id, at(day, hour), items, cancelled=cancelled)

    def write_purchases(self, purchases: list[LakePurchase]) -> None:
        rows = [row for p in purchases for row in p.rows()]
        rows += [row for p in purchases if p.cancelled for row in p.rows("cancelled")]
        self.write(rows)


def _lake_on(storage: dict):
    return override_settings(
        STORAGES={**settings.STORAGES, "analytics": storage},
        ANALYTICS_QUERY_RUNNER="analytics.runners.duckdb.DuckDBRunner",
    )


@pytest.fixture
def lake(tmp_path):
    """A fresh, empty lake folder for this test, and a writer of rows into it."""
    storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "lake"), "allow_overwrite": True},
    }
    with _lake_on(storage):
        yield LakeWriter()


def s3_storage(*, bucket: str, endpoint_url: str) -> dict:
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url,
            "access_key": "local",
            "secret_key": "local",
            "region_name": "us-east-1",
            "file_overwrite": True,
        },
    }


@pytest.fixture
def s3_lake():
    """A lake in a fresh bucket of the emulator's S3 (as on AWS), and a writer of rows into it."""
    import boto3

    bucket = f"lake-{uuid.uuid4().hex[:12]}"
    endpoint = settings.AWS_ENDPOINT_URL
    boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="local", aws_secret_access_key="local"
    ).create_bucket(Bucket=bucket)
    with _lake_on(s3_storage(bucket=bucket, endpoint_url=endpoint)):
        yield LakeWriter()


@pytest.fixture
def unreachable_lake():
    """The lake on an S3 endpoint where nothing listens."""
    with _lake_on(s3_storage(bucket="lake", endpoint_url="http://127.0.0.1:9")):
        yield


def at(day: str, hour: int = 12) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00").replace(tzinfo=UTC)


BOOKS = [
    Item("b-quixote", "Don Quijote", "Fiction", 1, Decimal("12.95")),
    Item("b-verses", "Veinte poemas", "Poetry", 1, Decimal("7.10")),
    Item("b-cosmos", "Cosmos", "Science", 1, Decimal("21.33")),
    Item("b-sapiens", "Sapiens", "History", 1, Decimal("18.49")),
]


def _item(book: Item, quantity: int) -> Item:
    return Item(book.book_id, book.title, book.category, quantity, book.unit_price)


@pytest.fixture
def sales(lake):
    """Purchases of tenant1 and tenant2 over 2025-07-01..07-05, some cancelled, one delivered twice.

    Returns the purchases; tests compute their expectations from them independently of the SQL.
    """
    purchases = []
    for n in range(24):
        tenant_id = "tenant1" if n % 3 else "tenant2"
        day = f"2025-07-0{1 + n % 5}"
        items = [_item(BOOKS[n % 4], 1 + n % 3)]
        if n % 2:
            items.append(_item(BOOKS[(n + 1) % 4], 2))
        purchases.append(
            LakePurchase(
                tenant_id=tenant_id,
                user_id=f"user-{n % 5}",
                created_at=at(day, hour=8 + n % 10),
                items=items,
                cancelled=n % 7 == 3,
            )
        )
    lake.write_purchases(purchases)
    lake.write(purchases[1].rows())  # the same stream records delivered again, in another file
    cancelled = next(p for p in purchases if p.cancelled)
    lake.write(cancelled.rows("cancelled"))
    return purchases
