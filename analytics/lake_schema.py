"""The data lake's rows: their columns and their Parquet schemas (analytics/tables.py: their folders).

Purchases: one row per purchase item and event: (purchase_id, line, event_type) identifies a
row, so reports and the daily compaction count each once whatever the stream redelivered.
`event_type` is a sale event name from `orders.sale_events`.

Review events: one row per review change (`reviews.review_events`): (review_id, revision,
event_kind) identifies a row. Every author or admin change moves the review's revision on,
and a deletion keeps the last one, so a reader takes each review's row of the highest
revision (its deletion, if there is one) as its current state.

The schemas are built on first use: pyarrow never loads at Django start-up.
"""

from functools import cache

ROW_KEY = ("purchase_id", "line", "event_type")

# Column name → pyarrow type spec; money is decimal128(12, 2), never float; times are UTC.
PURCHASE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("tenant_id", "string"),
    ("purchase_id", "string"),
    ("line", "int32"),
    ("event_type", "string"),
    ("event_time", "timestamp"),
    ("user_id", "string"),
    ("book_id", "string"),
    ("title", "string"),
    ("category", "string"),
    ("author", "string"),
    ("quantity", "int32"),
    ("unit_price", "money"),
    ("subtotal", "money"),
    ("total_amount", "money"),
    ("payment_method", "string"),
    ("status", "string"),
    ("created_at", "timestamp"),
)
COLUMN_NAMES = tuple(name for name, _ in PURCHASE_COLUMNS)


REVIEW_ROW_KEY = ("review_id", "revision", "event_kind")

# The review as the event leaves it; `created_at` (the review's, never changed) picks the partition.
REVIEW_EVENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("tenant_id", "string"),
    ("review_id", "string"),
    ("revision", "int32"),
    ("event_kind", "string"),
    ("event_time", "timestamp"),
    ("book_id", "string"),
    ("user_id", "string"),
    ("score", "int32"),
    ("status", "string"),
    ("created_at", "timestamp"),
)


def _schema(columns: tuple[tuple[str, str], ...]):
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "int32": pa.int32(),
        "money": pa.decimal128(12, 2),
        "timestamp": pa.timestamp("us", tz="UTC"),
    }
    return pa.schema([pa.field(name, types[kind], nullable=False) for name, kind in columns])


@cache
def purchase_row_schema():
    """The pyarrow schema of a purchase row (imports pyarrow)."""
    return _schema(PURCHASE_COLUMNS)


@cache
def review_event_schema():
    """The pyarrow schema of a review event row (imports pyarrow)."""
    return _schema(REVIEW_EVENT_COLUMNS)
