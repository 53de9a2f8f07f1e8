"""The lake's tables as the SQL engines see them: columns, partition keys and folder layout.

One definition feeds the Glue catalogue (`setup_analytics`) and the DuckDB runner's views,
so Athena and DuckDB agree on names and types. The Parquet files themselves are written by
the purchases exporter (rows of `purchases`), the review events exporter (`review_events`)
and the daily job (`daily_summary`).
"""

from dataclasses import dataclass
from datetime import date

PURCHASES = "purchases"
DAILY_SUMMARY = "daily_summary"
REVIEW_EVENTS = "review_events"


@dataclass(frozen=True)
class Column:
    name: str
    hive_type: str  # the Glue/Athena type

    @property
    def duckdb_type(self) -> str:
        return {"string": "VARCHAR", "bigint": "BIGINT", "timestamp": "TIMESTAMPTZ", "date": "DATE"}.get(
            self.hive_type, self.hive_type.upper()
        )


@dataclass(frozen=True)
class LakeTable:
    name: str
    columns: tuple[Column, ...]
    description: str

    def partition_prefix(self, *, tenant_id: str, day: date) -> str:
        """The folder of one tenant's day, relative to the lake's root: `{tenant}/{table}/year=YYYY/month=MM/day=DD/`.

        The tenant is the folder before the table's name; year, month and day are hive-style
        `key=value` folders (month and day two digits), which both engines read as partitions.
        """
        return f"{tenant_id}/{self.name}/year={day:%Y}/month={day:%m}/day={day:%d}/"

    def tenant_prefix(self, *, tenant_id: str) -> str:
        return f"{tenant_id}/{self.name}/"


MONEY = "decimal(12,2)"
TOTAL = "decimal(18,2)"

PURCHASES_TABLE = LakeTable(
    name=PURCHASES,
    description="One row per purchase item and event (purchased, cancelled), at least once; "
    "count each (purchase_id, line, event_type) once. Partitioned by the purchase's created_at day.",
    columns=(
        Column("tenant_id", "string"),
        Column("purchase_id", "string"),
        Column("line", "bigint"),
        Column("event_type", "string"),
        Column("event_time", "timestamp"),
        Column("user_id", "string"),
        Column("book_id", "string"),
        Column("title", "string"),
        Column("category", "string"),
        Column("author", "string"),
        Column("quantity", "bigint"),
        Column("unit_price", MONEY),
        Column("subtotal", MONEY),
        Column("payment_method", "string"),
        Column("status", "string"),
        Column("total_amount", MONEY),
        Column("created_at", "timestamp"),
    ),
)

DAILY_SUMMARY_TABLE = LakeTable(
    name=DAILY_SUMMARY,
    description="One row per tenant and day, written by build_daily_summary; cancelled orders earn nothing.",
    columns=(
        Column("tenant_id", "string"),
        Column("summary_date", "date"),
        Column("orders", "bigint"),
        Column("units", "bigint"),
        Column("revenue", TOTAL),
        Column("customers", "bigint"),
        Column("cancelled_orders", "bigint"),
        Column("built_at", "timestamp"),
    ),
)

REVIEW_EVENTS_TABLE = LakeTable(
    name=REVIEW_EVENTS,
    description="One row per review change (created, edited, hidden, restored, deleted), at least once; "
    "count each (review_id, revision, event_kind) once, and take each review's highest revision as its state. "
    "Partitioned by the review's created_at day.",
    columns=(
        Column("tenant_id", "string"),
        Column("review_id", "string"),
        Column("revision", "bigint"),
        Column("event_kind", "string"),
        Column("event_time", "timestamp"),
        Column("book_id", "string"),
        Column("user_id", "string"),
        Column("score", "bigint"),
        Column("status", "string"),
        Column("created_at", "timestamp"),
    ),
)

TABLES = (PURCHASES_TABLE, DAILY_SUMMARY_TABLE, REVIEW_EVENTS_TABLE)
