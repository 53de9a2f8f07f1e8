"""The full reindex of a tenant from DynamoDB, with no downtime: a new index, then an atomic alias swap.

Also the recovery path when the stream consumer was down longer than the stream's 24 h retention.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from bookstore.tenants import tenant_require_active
from catalog import keys
from catalog.models import Book
from catalog.search.engine import engine_for, search_unavailable_as_503
from catalog.search.index import alias_name, alias_swap, generation_of, index_create, index_name, indices_behind
from catalog.search.indexer import SearchIndexingError, books_bulk_index, bulk_write, delete_action, upsert_action

READ_PAGE = 500


@dataclass(frozen=True)
class RebuildResult:
    tenant_id: str
    index: str
    books: int
    dropped: list[str]
    caught_up: int  # books changed (or removed) while the new index was being filled


def _active_books(tenant_id: str) -> Iterator[Book]:
    """Every active book of the tenant, from the sparse catalog index (a Query, never a Scan)."""
    return Book.catalog_newest_index.query(keys.catalog_key(tenant_id), page_size=READ_PAGE)


def search_index_rebuild(*, tenant_id: str, on_progress: Callable[[int], object] | None = None) -> RebuildResult:
    """Reindex the tenant's active books into `v{n+1}`, swap the alias to it and drop the old index.

    Searches keep answering from the old index until the swap, which is one atomic
    `_aliases` call. Stream writes go to the alias, so a change made while the new index
    fills lands in the old one: after the swap a second, cheaper pass reads the books
    again and sends only those whose version moved, and deletes those no longer active.
    Versioned writes make the whole command safe to re-run or to interrupt.
    """
    tenant_require_active(tenant_id=tenant_id)
    client = engine_for(tenant_id)
    alias = alias_name(tenant_id)
    with search_unavailable_as_503():
        current = indices_behind(client, alias)
        generation = max((generation_of(name) for name in current), default=0) + 1
        new_index = index_name(tenant_id, generation)
        client.indices.delete(index=new_index, ignore_unavailable=True)  # left over by an interrupted run
        index_create(client, tenant_id=tenant_id, generation=generation, with_alias=False)

        versions: dict[str, int] = {}

        def first_pass() -> Iterator[dict]:
            for book in _active_books(tenant_id):
                versions[book.book_id] = int(book.version)
                if on_progress:
                    on_progress(1)
                yield book.attribute_values

        books_bulk_index(client, index=new_index, books=first_pass())
        client.indices.refresh(index=new_index)
        dropped = alias_swap(client, tenant_id=tenant_id, new_index=new_index)

        seen: set[str] = set()
        changed = []
        for book in _active_books(tenant_id):
            seen.add(book.book_id)
            if versions.get(book.book_id) != int(book.version):
                changed.append(upsert_action(alias, book.attribute_values))
        changed += [delete_action(alias, book_id) for book_id in sorted(set(versions) - seen)]
        if changed:
            result = bulk_write(client, changed, refresh="true")
            if result.failures:
                raise SearchIndexingError(result.failures)
    return RebuildResult(
        tenant_id=tenant_id, index=new_index, books=len(versions), dropped=dropped, caught_up=len(changed)
    )
