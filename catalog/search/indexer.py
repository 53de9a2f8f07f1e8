"""The search-index service the books stream handler calls; the search work fills it in.

Until then it raises NotImplementedError, so the handler's records fail visibly (and are
retried, then parked) instead of a no-op that pretends to index.
"""


def sync_books(*, tenant_id: str, upserts: list[dict], removals: list[str]) -> None:
    """Index `upserts` (NewImage dicts of active books, with `version`) and remove `removals` (book_ids).

    Must be idempotent and versioned (`external_gte` on `version`): a record may arrive
    more than once, and out of order across batches.
    """
    raise NotImplementedError("catalog.search.indexer.sync_books is not implemented yet (search issue).")
