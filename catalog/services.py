"""Writes of the catalogue: creating, updating, soft-deleting and reactivating books, and seeding.

Every book write is one TransactWriteItems that also moves the book's ISBN claim, the
category and author counts and, when the sale state changes, the book's stock item, so
uniqueness, counts and what checkout conditions on can never disagree with the books
themselves. An edit of anything else (a description, a title) writes the book item only
and never meets a sale, which writes the stock item only.
"""

import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import islice
from typing import Any

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.update import Action

from bookstore.dynamodb.clock import now
from bookstore.dynamodb.conditions import is_condition_failure
from bookstore.dynamodb.transactions import Failures, LabelledTransaction, failed_condition
from bookstore.errors import ApplicationError
from bookstore.models import UniqueKey
from bookstore.tenants import TenancyError, tenant_get, tenant_require_active
from catalog import keys
from catalog.errors import CatalogError
from catalog.isbn import clean_isbn, to_isbn13
from catalog.models import Book, BookFacet, BookStock
from catalog.selectors import StockedBook, book_get_stocked, catalog_size, isbn_claim_key
from catalog.stock import stock_change, stock_for_new_book

# The fields an admin may set; the rest (ids, keys, version, timestamps, the listed rating) are the server's.
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
        "is_active",
    }
)
# A namespace of our own, so seeded book ids are stable per tenant and ISBN (safe to re-run).
SEED_NAMESPACE = uuid.UUID("6f1d3c8e-5b0a-4d4e-9a55-2c7c6e0f9b11")
SEED_CHUNK = 500
MAX_TRANSACTION_ACTIONS = 100  # DynamoDB's limit per TransactWriteItems
# The book fields the stock item mirrors: checkout conditions on them there.
SALE_TERMS = frozenset({"price", "is_active"})


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


def _book_build(
    *, tenant_id: str, book_id: str, created_at: datetime, stock_quantity: int, **fields: Any
) -> tuple[Book, BookStock]:
    """A new book and its stock item; the book's `in_stock` is decided as of its creation."""
    book = Book(
        pk=Book.key(tenant_id, book_id),
        sk=Book.SORT_KEY,
        tenant_id=tenant_id,
        book_id=book_id,
        created_at=created_at,
        in_stock=stock_quantity > 0,
        in_stock_at=created_at,
        **fields,
    )
    for attr, value in _index_keys(book).items():
        setattr(book, attr, value)
    return book, stock_for_new_book(book, stock_quantity=stock_quantity)


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
    if any(failed_condition(failures, label) for label in ("book", "old_isbn", "stock")):
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
) -> StockedBook:
    """Add a book: the book, its stock item, its ISBN claim and its facet counts in one transaction.

    Raises `isbn_taken` if another book of the tenant (active or not) has this ISBN. `rating`
    is for seeded and imported books only: the API never sets it, the reviews do
    (`catalog/ratings.py`).
    """
    book, stock = _book_build(
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
    tx.put("stock", stock, condition=BookStock.pk.does_not_exist())
    _add_facet_deltas(tx, tenant_id=tenant_id, deltas=_facet_deltas({}, _facets(book)))
    tx.commit(on_cancel=_book_write_failure)
    return StockedBook(book=book, stock=stock)


def book_update(*, tenant_id: str, book_id: str, version: int | None = None, **changes: Any) -> StockedBook:
    """Change some fields of a book (inactive ones too), conditioned on its version.

    `version` is the version the caller read; without it, the version read here is used,
    so two racing updates still cannot both succeed. A stale version is `version_conflict`.
    Sales do not move the version. Setting is_active moves the book out of (or back into)
    listings and counts. A change of price or is_active writes the stock item's mirror in
    the same transaction; a change of stock_quantity writes the stock item only, on
    condition that the stock is still the one read here (a sale meanwhile is a conflict).
    """
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    if "isbn" in changes:
        changes["isbn"] = clean_isbn(changes["isbn"])
    current = book_get_stocked(tenant_id=tenant_id, book_id=book_id, include_inactive=True, consistent=True)
    if version is not None and version != current.book.version:
        raise ApplicationError(CatalogError.VERSION_CONFLICT)
    return _book_apply(current, changes, version=version)


def book_delete(*, tenant_id: str, book_id: str, version: int | None = None) -> StockedBook:
    """Soft-delete a book: it leaves listings and counts but stays readable by id for admins and orders.

    Deleting an already inactive book changes nothing.
    """
    return book_update(tenant_id=tenant_id, book_id=book_id, version=version, is_active=False)


def _book_apply(current: StockedBook, changes: dict[str, Any], *, version: int | None) -> StockedBook:
    book = current.book
    stock_quantity = changes.pop("stock_quantity", current.stock_quantity)
    changes = {name: value for name, value in changes.items() if getattr(book, name) != value}
    stock_changed = stock_quantity != current.stock_quantity
    if not changes and not stock_changed:
        return current
    if current.stock is None and (stock_changed or SALE_TERMS & set(changes)):
        raise ApplicationError(CatalogError.SALE_STATE_MISSING)
    at = now()
    tx = LabelledTransaction()
    if changes:
        _book_change(tx, book, changes, at=at)
    elif version is not None:  # nothing to write on the book: still hold the caller to its version
        tx.check("book", Book, book.pk, book.sk, Book.version == version)
    stock = current.stock
    if stock_changed or SALE_TERMS & set(changes):
        stock_change(
            tx,
            book=book,
            mirror=bool(SALE_TERMS & set(changes)),
            stock_quantity=stock_quantity if stock_changed else None,
            read_quantity=current.stock_quantity,
            at=at,
        )
        stock = BookStock(
            stock.pk,
            stock.sk,
            tenant_id=stock.tenant_id,
            book_id=stock.book_id,
            stock_quantity=stock_quantity,
            price=book.price,
            is_active=book.is_active,
            updated_at=at,
        )
    tx.commit(on_cancel=_book_write_failure)
    return StockedBook(book=book, stock=stock)


def _book_change(tx: LabelledTransaction, book: Book, changes: dict[str, Any], *, at: datetime) -> None:
    """Add the book's own update (on its version), its ISBN claim and its facet counts to `tx`; updates `book`."""
    facets_before = _facets(book)
    isbn_before = to_isbn13(book.isbn)
    keys_before = _index_keys(book)
    for name, value in changes.items():
        setattr(book, name, value)
    book.updated_at = at
    derived = {attr: value for attr, value in _index_keys(book).items() if value != keys_before[attr]}
    for attr, value in derived.items():
        setattr(book, attr, value)

    actions = []
    for name, value in {**changes, "updated_at": book.updated_at, **derived}.items():
        attribute = getattr(Book, name)
        actions.append(attribute.remove() if value is None else attribute.set(value))

    tx.update("book", book, actions=actions)  # PynamoDB adds `version = :read` and ADD version 1
    if to_isbn13(book.isbn) != isbn_before:
        old_claim = UniqueKey(key=isbn_claim_key(tenant_id=book.tenant_id, isbn=isbn_before))
        new_claim = UniqueKey(key=isbn_claim_key(tenant_id=book.tenant_id, isbn=book.isbn), owner_id=book.book_id)
        tx.delete("old_isbn", old_claim, condition=UniqueKey.owner_id == book.book_id)
        tx.put("isbn", new_claim, condition=UniqueKey.key.does_not_exist())
    _add_facet_deltas(tx, tenant_id=book.tenant_id, deltas=_facet_deltas(facets_before, _facets(book)))


@dataclass(frozen=True)
class SeedResult:
    created: int
    skipped: int
    total: int  # active books in the catalogue afterwards


def _isbn_claims(*, tenant_id: str, isbns: Iterable[str]) -> dict[str, str]:
    """ISBN-13 → owner book_id for those of these ISBNs already claimed: one BatchGetItem per 100."""
    claim_keys = {isbn_claim_key(tenant_id=tenant_id, isbn=isbn): isbn for isbn in isbns}
    return {claim_keys[claim.key]: claim.owner_id for claim in UniqueKey.batch_get(list(claim_keys))}


class _ClaimsTaken(Exception):
    def __init__(self, labels: set[str]):
        super().__init__(f"{len(labels)} ISBN claims taken")
        self.labels = labels


def _claims_taken(failures: Failures) -> Exception | None:
    taken = {label for label in failures if failed_condition(failures, label)}
    return _ClaimsTaken(taken) if taken else None


def _isbn_claim(*, tenant_id: str, books: list[Book]) -> set[str]:
    """Claim each book's ISBN unless someone holds it; return the book_ids whose claim was written.

    Conditional puts (`attribute_not_exists`), up to 100 per TransactWriteItems; a claim
    taken meanwhile (an admin adding the same ISBN during the seed) cancels its transaction,
    which is sent again without it. Nobody's claim is ever overwritten.
    """
    won: set[str] = set()
    for start in range(0, len(books), MAX_TRANSACTION_ACTIONS):
        pending = books[start : start + MAX_TRANSACTION_ACTIONS]
        while pending:
            tx = LabelledTransaction()
            for book in pending:
                claim = UniqueKey(key=isbn_claim_key(tenant_id=tenant_id, isbn=book.isbn), owner_id=book.book_id)
                tx.put(book.book_id, claim, condition=UniqueKey.key.does_not_exist())
            try:
                tx.commit(on_cancel=_claims_taken)
            except _ClaimsTaken as taken:
                pending = [book for book in pending if book.book_id not in taken.labels]
                continue
            won.update(book.book_id for book in pending)
            pending = []
    return won


def catalog_seed(
    *,
    tenant_id: str,
    target: int,
    seed: int = 0,
    dry_run: bool = False,
    on_progress: Callable[[int], None] | None = None,
) -> SeedResult:
    """Add books until the tenant's catalogue holds `target` active books; safe to re-run, and beside admins.

    `target` is the catalogue's size afterwards, not a number to add: a catalogue that
    already holds `target` books gets none. Books come from the curated core, then synthetic
    ones from `seed`; a book's id derives from tenant and ISBN. Per chunk: one BatchGet of
    the ISBN claims; conditional claims of the free ISBNs (`_isbn_claim`: an ISBN an admin
    claims meanwhile is skipped, never overwritten); then BatchWrites of the books whose
    claim this seed holds, each after its stock item. A claim this seed made in an
    interrupted run is completed (its book written if missing). The category and author
    counts are summed in memory and ADDed at the end (ADD, not Put, so writes made through
    the API meanwhile are not lost); an
    interrupted run can leave them short for the books it wrote, which `recount_facets`
    repairs. `dry_run` counts what would be written (as of the claims read now) and writes
    nothing.
    """
    from catalog.seed_data import seed_records  # the curated titles: only seeding needs them, not a cold start

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
        stocks: dict[str, BookStock] = {}
        claims = _isbn_claims(tenant_id=tenant_id, isbns=(to_isbn13(r["isbn"]) for r in chunk))
        unclaimed, ours = [], []
        for record in chunk:
            isbn13 = to_isbn13(record["isbn"])
            book_id = str(uuid.uuid5(SEED_NAMESPACE, f"{tenant_id}:{isbn13}"))
            owner = claims.get(isbn13)
            if owner is not None and owner != book_id:
                skipped += 1  # someone else's book has this ISBN
                continue
            book, stocks[book_id] = _book_build(
                tenant_id=tenant_id,
                book_id=book_id,
                # Spread over the past, a minute apart, so "newest" has a meaningful order.
                created_at=started - timedelta(minutes=missing - created - len(unclaimed) - len(ours)),
                version=1,
                **record,
            )
            (ours if owner == book_id else unclaimed).append(book)
        existing = {book.book_id for book in Book.batch_get([(b.pk, b.sk) for b in ours])} if ours else set()
        skipped += len(existing)
        missing_ours = [b for b in ours if b.book_id not in existing]
        if dry_run:
            created += len(unclaimed) + len(missing_ours)
            if on_progress:
                on_progress(len(unclaimed) + len(missing_ours))
            continue
        won = _isbn_claim(tenant_id=tenant_id, books=unclaimed)
        skipped += len(unclaimed) - len(won)
        books = missing_ours + [b for b in unclaimed if b.book_id in won]
        # Stock items first: a book that exists has its stock item, even after an interruption.
        # A re-written stock item is one whose book was never written, so it never sold. Both
        # go through the books table's own connection: it is one table.
        with Book.batch_write() as batch:
            for book in books:
                batch.save(stocks[book.book_id])
        with Book.batch_write() as batch:
            for book in books:
                batch.save(book)
        for book in books:
            for facet, name in _facets(book).items():
                facet_counts[facet] += 1
                facet_names.setdefault(facet, name)
        created += len(books)
        if on_progress:
            on_progress(len(books))
    for (kind, folded), delta in facet_counts.items():
        facet, actions = _facet_add(
            tenant_id=tenant_id, kind=kind, folded=folded, delta=delta, name=facet_names[(kind, folded)]
        )
        facet.update(actions=actions)
    return SeedResult(created=created, skipped=skipped, total=before + created)


@dataclass(frozen=True)
class FacetChange:
    kind: str
    name: str
    before: int
    after: int


@dataclass
class FacetRecount:
    books: int = 0
    changes: list[FacetChange] = field(default_factory=list)
    # Facets that changed while the recount ran: left as they are, for a re-run.
    raced: list[FacetChange] = field(default_factory=list)


def _facets_stored(*, tenant_id: str) -> dict[tuple[str, str], BookFacet]:
    return {
        (kind, facet.sk): facet
        for kind in (keys.CATEGORY, keys.AUTHOR)
        for facet in BookFacet.query(keys.facet_partition(tenant_id, kind), consistent_read=True)
    }


def facets_recount(
    *, tenant_id: str, dry_run: bool = False, on_progress: Callable[[int], None] | None = None
) -> FacetRecount:
    """Set the category and author counts to what the tenant's active books say; idempotent.

    Reads the stored counts first (consistently), then every active book (one Query per
    page of `catalog-newest-index`), and sets each wrong count conditioned on the value
    read: a book written meanwhile moves its counts in its own transaction, so such a count
    fails the condition and is reported in `raced` instead of being overwritten.
    Zero counts stay as items, as the book writes leave them.
    """
    if tenant_get(tenant_id=tenant_id) is None:
        raise ApplicationError(TenancyError.TENANT_NOT_FOUND)
    stored = _facets_stored(tenant_id=tenant_id)
    expected: Counter[tuple[str, str]] = Counter()
    names: dict[tuple[str, str], str] = {key: facet.name for key, facet in stored.items() if facet.name}
    result = FacetRecount()
    for book in Book.catalog_newest_index.query(keys.catalog_key(tenant_id)):
        for facet, name in _facets(book).items():
            expected[facet] += 1
            names.setdefault(facet, name)
        result.books += 1
        if on_progress:
            on_progress(1)
    for key in sorted(set(stored) | set(expected)):
        kind, folded = key
        before = int(stored[key].book_count) if key in stored else 0
        after = expected[key]
        if before == after:
            continue
        change = FacetChange(kind=kind, name=names.get(key, folded), before=before, after=after)
        if not dry_run:
            facet = BookFacet(pk=keys.facet_partition(tenant_id, kind), sk=folded)
            condition = BookFacet.book_count == before if key in stored else BookFacet.pk.does_not_exist()
            try:
                facet.update(
                    actions=[BookFacet.book_count.set(after), BookFacet.name.set(BookFacet.name | change.name)],
                    condition=condition,
                )
            except UpdateError as exc:
                if not is_condition_failure(exc):
                    raise
                result.raced.append(change)
                continue
        result.changes.append(change)
    return result
