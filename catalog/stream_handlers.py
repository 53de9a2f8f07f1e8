"""The catalog's stream handlers on the books table: books → the search index, stock items → `in_stock`.

The table holds two kinds of items under a book's key: the book (SK `BOOK`), which search
indexes, and its stock item (SK `STOCK`), which sales write. Each handler takes its own
kind, so a sale never reindexes a book; only a stock item crossing zero touches the book
(its `in_stock` flag), and that book change is indexed like any other.
"""

from collections import defaultdict
from datetime import datetime

from pynamodb.attributes import UTCDateTimeAttribute

from streams.registry import INSERT, MODIFY, REMOVE, RecordFailure, StreamRecord, stream_handler

BOOK = "BOOK"
STOCK = "STOCK"
_timestamps = UTCDateTimeAttribute()


def _sort_key(record: StreamRecord) -> str:
    return str(record.keys.get("sk", ""))


def _book_changes(records: list[StreamRecord]) -> tuple[dict[str, dict], set[str]]:
    """One tenant's records folded to the last state of each book: active ones to index, the rest to remove."""
    upserts: dict[str, dict] = {}
    removals: set[str] = set()
    for record in records:
        image = record.image
        book_id = str(image.get("book_id") or record.keys.get("pk", "").split("#", 1)[-1])
        if record.event_name != REMOVE and record.new_image and record.new_image.get("is_active", False):
            upserts[book_id] = record.new_image
            removals.discard(book_id)
        else:
            removals.add(book_id)
            upserts.pop(book_id, None)
    return upserts, removals


@stream_handler("books", events={INSERT, MODIFY, REMOVE})
def index_books(records: list[StreamRecord]) -> list[RecordFailure]:
    """Index inserted and changed active books; remove deleted books and books made inactive.

    Stock items are not books: they are left to `apply_in_stock`. One `sync_books` call per
    tenant in the batch; if it fails, that tenant's records fail, as transient failures when
    the engine cannot answer (they wait for it, never parked).
    """
    from catalog.search.engine import is_unavailable
    from catalog.search.indexer import sync_books

    by_tenant: dict[str, list[StreamRecord]] = defaultdict(list)
    for record in records:
        if _sort_key(record) == BOOK:
            by_tenant[record.tenant_id].append(record)
    failures = []
    for tenant_id, tenant_records in by_tenant.items():
        upserts, removals = _book_changes(tenant_records)
        try:
            sync_books(tenant_id=tenant_id, upserts=list(upserts.values()), removals=sorted(removals))
        except Exception as exc:
            reason = f"sync_books: {type(exc).__name__}: {exc}"
            transient = is_unavailable(exc)
            failures.extend(RecordFailure(record=r, reason=reason, transient=transient) for r in tenant_records)
    return failures


def _crossing(record: StreamRecord) -> tuple[bool, datetime] | None:
    """(in stock, as of when) if this stock item record moves its stock across zero (or creates it)."""
    new = record.new_image
    if new is None or "updated_at" not in new:
        return None
    in_stock = int(new.get("stock_quantity") or 0) > 0
    old = record.old_image
    if old is not None and (int(old.get("stock_quantity") or 0) > 0) == in_stock:
        return None
    return in_stock, _timestamps.deserialize(new["updated_at"])


@stream_handler("books", events={INSERT, MODIFY})
def apply_in_stock(records: list[StreamRecord]) -> list[RecordFailure]:
    """Set a book's `in_stock` when its stock item crosses zero, in record order.

    Each write is conditioned on the book's `in_stock_at` being older than the stock item's
    `updated_at` (`in_stock_flag_apply`), so a record delivered again, or after a newer
    one, changes nothing. A record whose write fails is reported, and so is every later
    record (Lambda retries from the first).
    """
    from catalog.stock import in_stock_flag_apply

    failures: list[RecordFailure] = []
    for record in records:
        if failures:
            failures.append(RecordFailure(record=record, reason="after a failed record"))
            continue
        if _sort_key(record) != STOCK or (crossing := _crossing(record)) is None:
            continue
        in_stock, at = crossing
        image = record.new_image or {}
        try:
            in_stock_flag_apply(
                tenant_id=str(image["tenant_id"]), book_id=str(image["book_id"]), in_stock=in_stock, at=at
            )
        except Exception as exc:
            failures.append(RecordFailure(record=record, reason=f"in_stock: {type(exc).__name__}: {exc}"))
    return failures
