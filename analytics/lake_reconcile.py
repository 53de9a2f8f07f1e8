"""The data lake reconciled with the purchases table: a repair, and part of a restore of the local stack.

The purchases stream writes the lake (`analytics.stream_handlers`). When the tables and the
lake part ways (the local stack restored from a snapshot, an import, stream records lost
before they were handled), `lake_reconcile` makes the tenant's purchase rows say what the
purchases table says. The rows it expects are the ones the stream would have written: for
each purchase, its `purchased` rows, and its `cancelled` rows if it is cancelled, each
identified by (purchase_id, line, event_type).

- A row it does not expect (a purchase the table does not hold, a cancellation the table
  does not say) is removed: each file holding one is written again without it (deleted when
  nothing is left).
- An expected row missing from the lake is added, built from the purchase as the handler
  builds it (`analytics.lake.purchase_rows`), in one file per partition named after the rows.

The daily summaries of finished days whose rows changed are built again.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from analytics.lake import parse_time, purchase_rows, write_rows
from analytics.lake_access import delete_files, read_parquet, tenant_files, write_parquet
from analytics.lake_schema import ROW_KEY
from analytics.tables import PURCHASES_TABLE
from bookstore.dynamodb.clock import now
from orders.models import CANCELLED as CANCELLED_STATUS
from orders.models import Purchase
from orders.sale_events import CANCELLED, PURCHASED


@dataclass
class LakeReconciled:
    purchases: int = 0
    files_read: int = 0
    # purchase ids whose rows were removed or added
    removed: set[str] = field(default_factory=set)
    added: set[str] = field(default_factory=set)
    rows_removed: int = 0
    rows_added: int = 0
    summaries_rebuilt: list[str] = field(default_factory=list)


def _image(purchase: Purchase) -> dict:
    """The purchase as a stream image (the shape `purchase_rows` reads)."""
    from boto3.dynamodb.types import TypeDeserializer

    deserializer = TypeDeserializer()
    return {name: deserializer.deserialize(value) for name, value in purchase.serialize().items()}


def _expected_rows(tenant_id: str, on_progress: Callable[[int], None] | None) -> tuple[dict[tuple, dict], int]:
    expected: dict[tuple, dict] = {}
    count = 0
    for purchase in Purchase.tenant_by_date.query(Purchase.tenant_key_for(tenant_id)):
        count += 1
        if on_progress:
            on_progress(1)
        image = _image(purchase)
        rows = purchase_rows(image, event_type=PURCHASED, event_time=parse_time(image["created_at"]))
        if purchase.status == CANCELLED_STATUS:
            when = parse_time(image["cancelled_at"]) if image.get("cancelled_at") else now()
            rows += purchase_rows(image, event_type=CANCELLED, event_time=when)
        expected.update({tuple(row[k] for k in ROW_KEY): row for row in rows})
    return expected, count


def lake_reconcile(
    *, tenant_id: str, dry_run: bool = False, on_progress: Callable[[int], None] | None = None
) -> LakeReconciled:
    """Remove the tenant's lake rows the purchases table does not hold, add the ones it misses; idempotent."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from analytics.services import daily_summary_build

    expected, count = _expected_rows(tenant_id, on_progress)
    result = LakeReconciled(purchases=count)
    present: set[tuple] = set()
    changed_days = set()
    for name in tenant_files(table=PURCHASES_TABLE, tenant_id=tenant_id):
        table = read_parquet(name)
        result.files_read += 1
        keys = list(zip(*(table.column(k).to_pylist() for k in ROW_KEY), strict=True))
        keep = [key in expected for key in keys]
        present.update(key for key, kept in zip(keys, keep, strict=True) if kept)
        if all(keep):
            continue
        result.rows_removed += keep.count(False)
        result.removed.update(key[0] for key, kept in zip(keys, keep, strict=True) if not kept)
        changed_days.update(d.date() for d in table.column("created_at").to_pylist())
        if dry_run:
            continue
        if any(keep):
            write_parquet(name, table.filter(pc.equal(pa.array(keep), True)))
        else:
            delete_files([name])
    missing = [row for key, row in sorted(expected.items()) if key not in present]
    result.rows_added = len(missing)
    result.added = {row["purchase_id"] for row in missing}
    changed_days.update(row["created_at"].date() for row in missing)
    if missing and not dry_run:
        digest = hashlib.sha256(repr(sorted(k for k in expected if k not in present)).encode()).hexdigest()[:16]
        write_rows(missing, first_record_id=f"reconcile-{digest}")
    if not dry_run:
        today = datetime.now(UTC).date()
        for day in sorted(d for d in changed_days if d < today):
            daily_summary_build(tenant_id=tenant_id, day=day)
            result.summaries_rebuilt.append(day.isoformat())
    return result
