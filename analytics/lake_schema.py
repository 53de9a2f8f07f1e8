"""The data lake's purchase rows: their columns and their Parquet schema (analytics/tables.py: their folders).

One row per purchase item and event: (purchase_id, line, event_type) identifies a row, so
reports and the daily compaction count each once whatever the stream redelivered.
`event_type` is a sale event name from `orders.sale_events`. The schema is built on first
use (`purchase_row_schema`): pyarrow never loads at Django start-up.
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


@cache
def purchase_row_schema():
    """The pyarrow schema of a purchase row (imports pyarrow)."""
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "int32": pa.int32(),
        "money": pa.decimal128(12, 2),
        "timestamp": pa.timestamp("us", tz="UTC"),
    }
    return pa.schema([pa.field(name, types[kind], nullable=False) for name, kind in PURCHASE_COLUMNS])
