"""Writes to the search index: the stream handler's `sync_books`, and the bulk writer rebuilds use.

Writes are idempotent and safe to replay. A document's id is its book_id and every write
carries the book's `version` with `version_type=external_gte`, so a late or replayed stream
record never overwrites a newer document: Elasticsearch refuses it with 409
`version_conflict_engine_exception`, which means the index already holds something newer,
and counts as done. Deleting a document that is not there (404) is done too. Any other
failed item raises `SearchIndexingError`, so the stream record is retried; an engine that
cannot be reached raises the client's own error, with the same effect.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings

from catalog.search.documents import book_document
from catalog.search.engine import engine_for
from catalog.search.index import alias_name, index_ensure

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch

VERSION_CONFLICT = "version_conflict_engine_exception"
BULK_CHUNK = 500


class SearchIndexingError(Exception):
    """Some documents could not be written; `failures` holds each failed item of the bulk response."""

    def __init__(self, failures: list[dict[str, Any]]):
        ids = ", ".join(str(item.get("_id")) for item in failures[:5])
        super().__init__(f"{len(failures)} search document(s) failed to index: {ids}")
        self.failures = failures


@dataclass
class BulkResult:
    """What a bulk write did: written, stale (a newer version was already indexed), deleted, absent."""

    written: int = 0
    stale: int = 0
    deleted: int = 0
    absent: int = 0
    failures: list[dict[str, Any]] = field(default_factory=list)


def upsert_action(index: str, book: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "_op_type": "index",
        "_index": index,
        "_id": book["book_id"],
        "version": int(book["version"]),
        "version_type": "external_gte",
        "_source": book_document(book),
    }


def delete_action(index: str, book_id: str) -> dict[str, Any]:
    return {"_op_type": "delete", "_index": index, "_id": book_id}


def bulk_write(client: "Elasticsearch", actions: Iterable[dict[str, Any]], *, refresh: str = "false") -> BulkResult:
    """Send actions through the bulk helper and classify every item's result; never raises on items."""
    from elasticsearch.helpers import streaming_bulk

    result = BulkResult()
    for ok, item in streaming_bulk(
        client,
        actions,
        chunk_size=BULK_CHUNK,
        raise_on_error=False,
        raise_on_exception=True,
        max_retries=2,  # only 429s are retried by the helper
        refresh=refresh,
    ):
        op, outcome = next(iter(item.items()))
        status = outcome.get("status")
        if op == "delete" and (ok or status == 404):
            if status == 404:
                result.absent += 1
            else:
                result.deleted += 1
        elif ok:
            result.written += 1
        elif status == 409 and (outcome.get("error") or {}).get("type") == VERSION_CONFLICT:
            result.stale += 1
        else:
            result.failures.append(outcome)
    return result


def sync_books(*, tenant_id: str, upserts: list[dict], removals: list[str]) -> BulkResult:
    """Bring the tenant's index in line with a batch of book changes (the books stream handler).

    `upserts` are the new images of active books (attribute values, numbers as Decimal,
    with `version`); `removals` are the ids of books that were deactivated or deleted. An
    upsert whose image is inactive is treated as a removal, so an inactive book is never
    left in the index; a book named in both lists is removed (give each book's latest
    state). One bulk request (per 500 documents), refreshed as ELASTICSEARCH_INDEX_REFRESH
    says. Raises SearchIndexingError if any item failed, so the records are retried.
    """
    client = engine_for(tenant_id)
    index_ensure(client, tenant_id=tenant_id)
    alias = alias_name(tenant_id)
    removed = set(removals) | {book["book_id"] for book in upserts if book.get("is_active") is False}
    actions = [upsert_action(alias, book) for book in upserts if book["book_id"] not in removed]
    actions += [delete_action(alias, book_id) for book_id in sorted(removed)]
    if not actions:
        return BulkResult()
    result = bulk_write(client, actions, refresh=settings.ELASTICSEARCH_INDEX_REFRESH)
    if result.failures:
        raise SearchIndexingError(result.failures)
    return result


def books_bulk_index(client: "Elasticsearch", *, index: str, books: Iterable[Mapping[str, Any]]) -> BulkResult:
    """Write books into a named index (a rebuild's new index), unrefreshed; raises on a failed item."""
    result = bulk_write(client, (upsert_action(index, book) for book in books))
    if result.failures:
        raise SearchIndexingError(result.failures)
    return result
