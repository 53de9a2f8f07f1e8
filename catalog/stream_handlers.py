"""The catalog's stream handlers: books → the search index, through `catalog.search.indexer.sync_books`."""

from collections import defaultdict

from streams.registry import INSERT, MODIFY, REMOVE, RecordFailure, StreamRecord, stream_handler


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

    One `sync_books` call per tenant in the batch; if it fails, that tenant's records fail,
    as transient failures when the engine cannot answer (they wait for it, never parked).
    """
    from catalog.search.engine import is_unavailable
    from catalog.search.indexer import sync_books

    by_tenant: dict[str, list[StreamRecord]] = defaultdict(list)
    for record in records:
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
