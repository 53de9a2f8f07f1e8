"""Writes of the catalogue: creating, updating, soft-deleting and reactivating books, and seeding.

Every book write is one TransactWriteItems that also moves the book's ISBN claim and
the category and author counts, so uniqueness and counts can never disagree with the
books themselves.
"""

import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import islice
from typing import Any

from pynamodb.expressions.update import Action

from bookstore.dynamodb.clock import now
from bookstore.dynamodb.transactions import Failures, LabelledTransaction, failed_condition
from bookstore.errors import ApplicationError
from bookstore.models import UniqueKey
from bookstore.tenants import tenant_require_active
from catalog import keys
from catalog.errors import CatalogError
from catalog.isbn import clean_isbn, to_isbn13
from catalog.models import Book, BookFacet
from catalog.seed_data import seed_records
from catalog.selectors import book_get, catalog_size, isbn_claim_key

# The fields an admin may set; the rest (ids, keys, version, timestamps) are the server's.
EDITABLE_FIELDS = frozenset(
    {
        "isbn",
        "title",
        "author",
        "editorial",
        "category",
        "price",
        "description",
        "cover_image_url",
        "stock_quantity",
        "publication_year",
        "language",
        "pages",
        "rating",
        "is_active",
    }
)
# A namespace of our own, so seeded book ids are stable per tenant and ISBN (safe to re-run).
SEED_NAMESPACE = uuid.UUID("6f1d3c8e-5b0a-4d4e-9a55-2c7c6e0f9b11")
SEED_CHUNK = 500


def _index_keys(book: Book) -> dict[str, str | None]:
    """The index attributes a book should carry; the hash keys only while it is active."""
    active = book.is_active
    return {
        "catalog_key": keys.catalog_key(book.tenant_id) if active else None,
        "category_key": keys.category_key(book.tenant_id, book.category) if active else None,
        "author_key": keys.author_key(book.tenant_id, book.author) if active else None,
        "listed_at": keys.listed_at(book.created_at, book.book_id),
        "price_key": keys.price_key(book.price, book.book_id),
        "title_key": keys.title_key(book.title, book.book_id),
    }


def _facets(book: Book) -> dict[tuple[str, str], str]:
    """The facet entries an active book counts towards: (kind, folded name) → display name."""
    if not book.is_active:
        return {}
    return {
        (keys.CATEGORY, keys.name_key(book.category)): book.category,
        (keys.AUTHOR, keys.name_key(book.author)): book.author,
    }


def _book_build(*, tenant_id: str, book_id: str, created_at: datetime, **fields: Any) -> Book:
    book = Book(
        pk=Book.key(tenant_id, book_id),
        sk=Book.SORT_KEY,
        tenant_id=tenant_id,
        book_id=book_id,
        created_at=created_at,
        **fields,
    )
    for attr, value in _index_keys(book).items():
        setattr(book, attr, value)
    return book


def _add_facet_deltas(
    tx: LabelledTransaction, *, tenant_id: str, deltas: dict[tuple[str, str], tuple[int, str]]
) -> None:
    for (kind, folded), (delta, name) in deltas.items():
        facet, actions = _facet_add(tenant_id=tenant_id, kind=kind, folded=folded, delta=delta, name=name)
        tx.update(f"facet:{kind}:{folded}", facet, actions=actions)


def _book_write_failure(failures: Failures) -> ApplicationError | None:
    """Explain a cancelled book write: a taken ISBN, or a book changed since it was read."""
    if failed_condition(failures, "isbn"):
        return ApplicationError(CatalogError.ISBN_TAKEN, details={"isbn": [CatalogError.ISBN_TAKEN.message]})
    if failed_condition(failures, "book") or failed_condition(failures, "old_isbn"):
        return ApplicationError(CatalogError.VERSION_CONFLICT)
    return None


def _facet_add(*, tenant_id: str, kind: str, folded: str, delta: int, name: str) -> tuple[BookFacet, list[Action]]:
    """The facet item and the actions that ADD `delta` to its count (and name it, if new)."""
    facet = BookFacet(pk=keys.facet_partition(tenant_id, kind), sk=folded)
    return facet, [BookFacet.book_count.add(delta), BookFacet.name.set(BookFacet.name | name)]


def _facet_deltas(
    before: dict[tuple[str, str], str], after: dict[tuple[str, str], str]
) -> dict[tuple[str, str], tuple[int, str]]:
    """+1 for each facet the book joins, -1 for each it leaves; unchanged facets are not touched."""
    deltas = {key: (-1, name) for key, name in before.items() if key not in after}
    deltas.update({key: (1, name) for key, name in after.items() if key not in before})
    return deltas


def book_create(
    *,
    tenant_id: str,
    isbn: str,
    title: str,
    author: str,
    category: str,
    price: Decimal,
    editorial: str = "",
    description: str = "",
    cover_image_url: str | None = None,
    stock_quantity: int = 0,
    publication_year: int | None = None,
    language: str = "en",
    pages: int | None = None,
    rating: Decimal | None = None,
    is_active: bool = True,
) -> Book:
    """Add a book: the book, its ISBN claim and its facet counts in one transaction.

    Raises `isbn_taken` if another book of the tenant (active or not) has this ISBN.
    """
    book = _book_build(
        tenant_id=tenant_id,
        book_id=str(uuid.uuid4()),
        created_at=now(),
        isbn=clean_isbn(isbn),
        title=title,
        author=author,
        category=category,
        price=price,
        editorial=editorial,
        description=description,
        cover_image_url=cover_image_url,
        stock_quantity=stock_quantity,
        publication_year=publication_year,
        language=language,
        pages=pages,
        rating=rating,
        is_active=is_active,
    )
    claim = UniqueKey(key=isbn_claim_key(tenant_id=tenant_id, isbn=book.isbn), owner_id=book.book_id)
    tx = LabelledTransaction()
    tx.put("isbn", claim, condition=UniqueKey.key.does_not_exist())
    tx.put("book", book, condition=Book.pk.does_not_exist())
    _add_facet_deltas(tx, tenant_id=tenant_id, deltas=_facet_deltas({}, _facets(book)))
    tx.commit(on_cancel=_book_write_failure)
    return book


def book_update(*, tenant_id: str, book_id: str, version: int | None = None, **changes: Any) -> Book:
    """Change some fields of a book (inactive ones too), conditioned on its version.

    `version` is the version the caller read; without it, the version read here is used,
    so two racing updates still cannot both succeed. A stale version is `version_conflict`.
    Setting is_active moves the book out of (or back into) listings and counts.
    """
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    if "isbn" in changes:
        changes["isbn"] = clean_isbn(changes["isbn"])
    book = book_get(tenant_id=tenant_id, book_id=book_id, include_inactive=True)
    if version is not None and version != book.version:
        raise ApplicationError(CatalogError.VERSION_CONFLICT)
    return _book_apply(book, changes)


def book_delete(*, tenant_id: str, book_id: str, version: int | None = None) -> Book:
    """Soft-delete a book: it leaves listings and counts but stays readable by id for admins and orders.

    Deleting an already inactive book changes nothing.
    """
    return book_update(tenant_id=tenant_id, book_id=book_id, version=version, is_active=False)


def _book_apply(book: Book, changes: dict[str, Any]) -> Book:
    changes = {name: value for name, value in changes.items() if getattr(book, name) != value}
    if not changes:
        return book
    facets_before = _facets(book)
    isbn_before = to_isbn13(book.isbn)
    keys_before = _index_keys(book)
    for name, value in changes.items():
        setattr(book, name, value)
    book.updated_at = now()
    derived = {attr: value for attr, value in _index_keys(book).items() if value != keys_before[attr]}
    for attr, value in derived.items():
        setattr(book, attr, value)

    actions = []
    for name, value in {**changes, "updated_at": book.updated_at, **derived}.items():
        attribute = getattr(Book, name)
        actions.append(attribute.remove() if value is None else attribute.set(value))

    tx = LabelledTransaction()
    tx.update("book", book, actions=actions)  # PynamoDB adds `version = :read` and ADD version 1
    if to_isbn13(book.isbn) != isbn_before:
        old_claim = UniqueKey(key=isbn_claim_key(tenant_id=book.tenant_id, isbn=isbn_before))
        new_claim = UniqueKey(key=isbn_claim_key(tenant_id=book.tenant_id, isbn=book.isbn), owner_id=book.book_id)
        tx.delete("old_isbn", old_claim, condition=UniqueKey.owner_id == book.book_id)
        tx.put("isbn", new_claim, condition=UniqueKey.key.does_not_exist())
    _add_facet_deltas(tx, tenant_id=book.tenant_id, deltas=_facet_deltas(facets_before, _facets(book)))
    tx.commit(on_cancel=_book_write_failure)
    return book


@dataclass(frozen=True)
class SeedResult:
    created: int
    skipped: int
    total: int  # active books in the catalogue afterwards


def _claimed_isbns(*, tenant_id: str, isbns: Iterable[str]) -> set[str]:
    """Which of these ISBN-13s are already claimed in the tenant: one BatchGetItem per 100."""
    claim_keys = {isbn_claim_key(tenant_id=tenant_id, isbn=isbn): isbn for isbn in isbns}
    return {claim_keys[claim.key] for claim in UniqueKey.batch_get(list(claim_keys))}


def catalog_seed(
    *, tenant_id: str, target: int, seed: int = 0, on_progress: Callable[[int], None] | None = None
) -> SeedResult:
    """Add books until the tenant's catalogue holds `target` active books; safe to re-run.

    `target` is the catalogue's size afterwards, not a number to add: a catalogue that
    already holds `target` books gets none. Books come from the curated core, then synthetic
    ones from `seed`; a book's id derives from tenant and ISBN, and ISBNs already claimed in
    the tenant are skipped (counted in `skipped`). Per chunk: one BatchGet of the claims,
    then BatchWrites of the books and of their claims. The category and author counts are
    summed in memory and ADDed at the end (ADD, not Put, so writes made through the API
    meanwhile are not lost). An interrupted run can leave counts short for the books it
    wrote; it never double-counts, because re-runs skip those books.
    """
    tenant_require_active(tenant_id=tenant_id)
    before = catalog_size(tenant_id=tenant_id)
    missing = max(0, target - before)
    records = seed_records(count=None, seed=seed)
    started = now()
    facet_counts: Counter[tuple[str, str]] = Counter()
    facet_names: dict[tuple[str, str], str] = {}
    created = skipped = 0
    while created < missing:
        chunk = list(islice(records, min(SEED_CHUNK, missing - created)))
        claimed = _claimed_isbns(tenant_id=tenant_id, isbns=(to_isbn13(r["isbn"]) for r in chunk))
        books = []
        for record in chunk:
            isbn13 = to_isbn13(record["isbn"])
            if isbn13 in claimed:
                skipped += 1
                continue
            book = _book_build(
                tenant_id=tenant_id,
                book_id=str(uuid.uuid5(SEED_NAMESPACE, f"{tenant_id}:{isbn13}")),
                # Spread over the past, a minute apart, so "newest" has a meaningful order.
                created_at=started - timedelta(minutes=missing - created - len(books)),
                version=1,
                **record,
            )
            books.append(book)
            for facet, name in _facets(book).items():
                facet_counts[facet] += 1
                facet_names.setdefault(facet, name)
        with Book.batch_write() as batch:
            for book in books:
                batch.save(book)
        with UniqueKey.batch_write() as batch:
            for book in books:
                batch.save(UniqueKey(key=isbn_claim_key(tenant_id=tenant_id, isbn=book.isbn), owner_id=book.book_id))
        created += len(books)
        if on_progress:
            on_progress(len(books))
    for (kind, folded), delta in facet_counts.items():
        facet, actions = _facet_add(
            tenant_id=tenant_id, kind=kind, folded=folded, delta=delta, name=facet_names[(kind, folded)]
        )
        facet.update(actions=actions)
    return SeedResult(created=created, skipped=skipped, total=before + created)
