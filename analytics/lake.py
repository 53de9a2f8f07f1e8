"""The data lake writer: purchase stream records → one row per item and event → Parquet files.

`write_partitioned` is the writer of every exported table (purchases here, review events in
`analytics.review_lake`); what follows is said of purchases and holds for both.

Rows go through the Django storage `STORAGES["analytics"]` (S3 on AWS, a local folder by
default) under `{tenant}/purchases/year=YYYY/month=MM/day=DD/`, by the purchase's
`created_at`, so a cancellation row lands beside its purchase. A batch writes one file per
partition, named after the batch's first record id. A batch is retried from its first
unprocessed record, and a poller (or a Lambda) that died after writing the files and before
its checkpoint moved replays from the same record, with as many records or more behind it:
the replay overwrites the file it wrote before, so a crash duplicates no row. pyarrow is
imported only when a batch is written.
"""

import io
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from analytics.lake_access import lake_local_root
from analytics.lake_schema import ROW_KEY, purchase_row_schema
from analytics.tables import PURCHASES_TABLE, LakeTable
from bookstore.money import to_cents
from orders.sale_events import PURCHASED, sale_event

STORAGE_ALIAS = "analytics"
PYNAMODB_DATETIME = "%Y-%m-%dT%H:%M:%S.%f%z"


def parse_time(value: str) -> datetime:
    """A timestamp as PynamoDB stores it (`...%f+0000`) or as ISO-8601, in UTC."""
    try:
        parsed = datetime.strptime(value, PYNAMODB_DATETIME)
    except ValueError:
        parsed = datetime.fromisoformat(value)
    return parsed.astimezone(UTC)


def purchase_rows(image: dict[str, Any], *, event_type: str, event_time: datetime) -> list[dict[str, Any]]:
    """The rows of one purchase image for one event: one per item, `line` its position (from 1)."""
    created_at = parse_time(image["created_at"])
    rows = []
    for line, item in enumerate(image["items"], start=1):
        rows.append(
            {
                "tenant_id": image["tenant_id"],
                "purchase_id": image["purchase_id"],
                "line": line,
                "event_type": event_type,
                "event_time": event_time,
                "user_id": image["user_id"],
                "book_id": item["book_id"],
                "title": item["title"],
                "category": item["category"],
                "author": item["author"],
                "quantity": int(item["quantity"]),
                "unit_price": to_cents(item["unit_price"]),
                "subtotal": to_cents(item["subtotal"]),
                "total_amount": to_cents(image["total_amount"]),
                "payment_method": image["payment_method"],
                "status": image["status"],
                "created_at": created_at,
            }
        )
    return rows


def rows_for_change(
    *, event_name: str, new: dict | None, old: dict | None, approximate_time: datetime
) -> list[dict[str, Any]]:
    """The rows a purchase change produces: one per item for its sale event (`orders.sale_events`), if it is one.

    A purchase's rows are timed at its creation; a cancellation's at `cancelled_at`, or at
    the record's approximate time for a purchase cancelled without one.
    """
    event = sale_event(event_name=event_name, new=new, old=old)
    if event is None:
        return []
    if event.event_type == PURCHASED:
        when = parse_time(new["created_at"])
    else:
        when = parse_time(new["cancelled_at"]) if new.get("cancelled_at") else approximate_time
    return purchase_rows(new, event_type=event.event_type, event_time=when)


def _unique(rows: Iterable[dict[str, Any]], row_key: tuple[str, ...]) -> list[dict[str, Any]]:
    """Rows with each key (e.g. (purchase_id, line, event_type)) once: a batch may hold one record twice."""
    seen: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        seen.setdefault(tuple(row[k] for k in row_key), row)
    return list(seen.values())


def batch_file_name(first_record_id: str) -> str:
    """A batch's file in a partition: named after its first record only, so a longer replay of it overwrites it."""
    return f"batch-{first_record_id}.parquet"


def write_rows(rows: list[dict[str, Any]], *, first_record_id: str) -> list[str]:
    """Write purchase rows as one Parquet file per (tenant, day) partition; return the storage names written.

    `first_record_id` is the id of the batch's first stream record: a replay of the batch
    (which starts at the same record) overwrites these files instead of adding new ones.
    """
    return write_partitioned(
        rows, table=PURCHASES_TABLE, schema=purchase_row_schema(), row_key=ROW_KEY, first_record_id=first_record_id
    )


def write_partitioned(
    rows: list[dict[str, Any]], *, table: LakeTable, schema, row_key: tuple[str, ...], first_record_id: str
) -> list[str]:
    """Write a table's rows, each key once, as one Parquet file per (tenant, `created_at` day) partition.

    The file of each partition is named after the batch's first record, so a replay overwrites it.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    storage = storages[STORAGE_ALIAS]
    local = lake_local_root() is not None
    partitions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in _unique(rows, row_key):
        partitions[table.partition_prefix(tenant_id=row["tenant_id"], day=row["created_at"])].append(row)
    names = []
    for path, partition_rows in sorted(partitions.items()):
        data = pa.Table.from_pydict({c: [r[c] for r in partition_rows] for c in schema.names}, schema=schema)
        buffer = io.BytesIO()
        pq.write_table(data, buffer, compression="snappy")
        name = f"{path}{batch_file_name(first_record_id)}"
        if local and storage.exists(name):
            # A local folder must not rename. S3 (`file_overwrite`) replaces in place, and the
            # API role may delete only purchase files (compaction): no HEAD or DELETE there.
            storage.delete(name)
        names.append(storage.save(name, ContentFile(buffer.getvalue())))
    return names
