"""The daily job: compact a tenant's day of purchase files and write its daily summary.

Compaction reads every Parquet file of the day, keeps each (purchase_id, line, event_type)
once, writes one new file, and only then deletes the files it read. It is safe to re-run
and safe to crash: until the old files are gone both copies exist, and every reader
(the report SQL, and this job) counts each key once, so nothing is double counted. A row
that arrives after a run (a late cancellation, a replayed batch) is a new file beside the
compacted one, and the next run for that day folds it in. pyarrow is imported lazily.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from analytics.lake_access import delete_files, partition_files, read_parquet, write_parquet
from analytics.lake_schema import ROW_KEY
from analytics.tables import DAILY_SUMMARY_TABLE, PURCHASES_TABLE
from bookstore.dynamodb.clock import now
from bookstore.money import ZERO
from orders.sale_events import CANCELLED, PURCHASED

logger = logging.getLogger(__name__)

COMPACTED_PREFIX = "compacted-"
SUMMARY_FILE = "summary.parquet"


@dataclass(frozen=True)
class DailySummary:
    tenant_id: str
    day: date
    orders: int
    units: int
    revenue: Decimal
    customers: int
    cancelled_orders: int


@dataclass(frozen=True)
class DayBuilt:
    """What one run did for one tenant's day."""

    summary: DailySummary
    files_read: int
    rows_read: int
    rows_kept: int
    compacted_file: str | None  # None when the day was already one compacted file (or empty)
    summary_file: str


def _unique_rows(tables):
    """The rows of `tables`, each (purchase_id, line, event_type) once (its earliest event_time)."""
    import pyarrow as pa

    table = pa.concat_tables(tables, promote_options="permissive")
    table = table.sort_by([*((key, "ascending") for key in ROW_KEY), ("event_time", "ascending")])
    positions = pa.array(range(table.num_rows), type=pa.int64())
    first = table.append_column("_position", positions).group_by(list(ROW_KEY), use_threads=False)
    keep = first.aggregate([("_position", "min")]).column("_position_min")
    return table.take(keep).sort_by([("created_at", "ascending"), ("purchase_id", "ascending"), ("line", "ascending")])


def _summarise(*, tenant_id: str, day: date, rows: list[dict]) -> DailySummary:
    cancelled = {r["purchase_id"] for r in rows if r["event_type"] == CANCELLED}
    sold = [r for r in rows if r["event_type"] == PURCHASED and r["purchase_id"] not in cancelled]
    return DailySummary(
        tenant_id=tenant_id,
        day=day,
        orders=len({r["purchase_id"] for r in sold}),
        units=sum(int(r["quantity"]) for r in sold),
        revenue=sum((r["subtotal"] for r in sold), ZERO),
        customers=len({r["user_id"] for r in sold}),
        cancelled_orders=len(cancelled),
    )


def _summary_table(summary: DailySummary):
    import pyarrow as pa

    schema = pa.schema(
        [
            ("tenant_id", pa.string()),
            ("summary_date", pa.date32()),
            ("orders", pa.int64()),
            ("units", pa.int64()),
            ("revenue", pa.decimal128(18, 2)),
            ("customers", pa.int64()),
            ("cancelled_orders", pa.int64()),
            ("built_at", pa.timestamp("us", tz="UTC")),
        ]
    )
    row = {
        "tenant_id": summary.tenant_id,
        "summary_date": summary.day,
        "orders": summary.orders,
        "units": summary.units,
        "revenue": summary.revenue,
        "customers": summary.customers,
        "cancelled_orders": summary.cancelled_orders,
        "built_at": now(),
    }
    return pa.Table.from_pylist([row], schema=schema)


def _compacted_name(prefix: str, inputs: list[str]) -> str:
    digest = hashlib.sha256("\n".join(inputs).encode()).hexdigest()[:16]
    return f"{prefix}{COMPACTED_PREFIX}{digest}.parquet"


def daily_summary_days(*, today: date) -> list[date]:
    """The days the nightly run builds: yesterday, then the day before again for late rows."""
    return [today - timedelta(days=1), today - timedelta(days=2)]


def daily_summary_build(*, tenant_id: str, day: date) -> DayBuilt:
    """Compact the tenant's purchase files of `day` into one and write that day's summary.

    The new compacted file is written before any old file is deleted, and its name derives
    from the files it replaces, so a re-run after a crash writes a fresh file rather than
    truncating one that readers may be using.
    """
    inputs = partition_files(table=PURCHASES_TABLE, tenant_id=tenant_id, day=day)
    tables = [read_parquet(name) for name in inputs]
    rows_read = sum(t.num_rows for t in tables)
    compacted_file = None
    rows: list[dict] = []
    if tables:
        unique = _unique_rows(tables)
        rows = unique.to_pylist()
        already_compact = len(inputs) == 1 and inputs[0].rsplit("/", 1)[1].startswith(COMPACTED_PREFIX)
        if not (already_compact and unique.num_rows == rows_read):
            prefix = PURCHASES_TABLE.partition_prefix(tenant_id=tenant_id, day=day)
            compacted_file = _compacted_name(prefix, inputs)
            write_parquet(compacted_file, unique)
            delete_files([name for name in inputs if name != compacted_file])
    summary = _summarise(tenant_id=tenant_id, day=day, rows=rows)
    summary_file = DAILY_SUMMARY_TABLE.partition_prefix(tenant_id=tenant_id, day=day) + SUMMARY_FILE
    write_parquet(summary_file, _summary_table(summary))
    logger.info(
        "Daily summary %s %s: %d files, %d rows read, %d kept", tenant_id, day, len(inputs), rows_read, len(rows)
    )
    return DayBuilt(
        summary=summary,
        files_read=len(inputs),
        rows_read=rows_read,
        rows_kept=len(rows),
        compacted_file=compacted_file,
        summary_file=summary_file,
    )
