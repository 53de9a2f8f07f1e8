"""Reads of the catalogue: single books, batches of books, listings, ISBN lookup and facets."""

import json
import operator
from dataclasses import asdict, dataclass
from decimal import Decimal
from functools import reduce

from pynamodb.expressions.condition import Condition
from pynamodb.indexes import GlobalSecondaryIndex

from bookstore.errors import ApplicationError
from bookstore.ids import canonical_id
from bookstore.models import UniqueKey
from bookstore.pagination import DEFAULT_LIMIT, Page, query_page
from catalog import keys
from catalog.errors import CatalogError
from catalog.isbn import clean_isbn, to_isbn13
from catalog.models import Book, BookFacet, BookRatings, BookSales, BookStock, CoPurchase

ISBN_KIND = "ISBN"
# sort → (index range key, ascending)
SORT_KEYS = {
    "newest": ("listed_at", False),
    "price": ("price_key", True),
    "-price": ("price_key", False),
    "title": ("title_key", True),
}
SORTS = tuple(SORT_KEYS)


def book_get(*, tenant_id: str, book_id: str, include_inactive: bool = False) -> Book:
    """The book with this id in this tenant: one GetItem.

    A malformed id, a missing book, and (unless include_inactive) a soft-deleted one
    are all `book_not_found`, so callers never learn which.
    """
    canonical = canonical_id(book_id)
    if canonical is None:
        raise ApplicationError(CatalogError.BOOK_NOT_FOUND)
    try:
        book = Book.get(Book.key(tenant_id, canonical), Book.SORT_KEY)
    except Book.DoesNotExist as exc:
        raise ApplicationError(CatalogError.BOOK_NOT_FOUND) from exc
    if not (book.is_active or include_inactive):
        raise ApplicationError(CatalogError.BOOK_NOT_FOUND)
    return book


@dataclass(frozen=True)
class StockedBook:
    """A book with its stock item (None if it has none yet: nothing to sell until `split_sale_state` runs).

    `ratings` is the book's rating aggregates when they were asked for (None: not read, or no review yet).
    """

    book: Book
    stock: BookStock | None
    ratings: BookRatings | None = None

    @property
    def stock_quantity(self) -> int:
        return int(self.stock.stock_quantity) if self.stock is not None else 0


# BatchGetItem takes 100 keys: 50 books with their stock items.
BATCH_GET_KEYS = 100


def _split_items(raw_items: list[dict]) -> tuple[dict[str, Book], dict[str, BookStock], dict[str, BookRatings]]:
    """Raw items of the books table, by book_id: the books, the stock items and the rating aggregates."""
    books, stocks, ratings = {}, {}, {}
    for raw in raw_items:
        if raw["sk"]["S"] == BookStock.SORT_KEY:
            stock = BookStock.from_raw_data(raw)
            stocks[stock.book_id] = stock
        elif raw["sk"]["S"] == BookRatings.SORT_KEY:
            rated = BookRatings.from_raw_data(raw)
            ratings[raw["pk"]["S"].split("#", 1)[1]] = rated
        else:
            book = Book.from_raw_data(raw)
            books[book.book_id] = book
    return books, stocks, ratings


def book_get_stocked(
    *, tenant_id: str, book_id: str, include_inactive: bool = False, consistent: bool = False, ratings: bool = False
) -> StockedBook:
    """The book with its stock (and, if asked, its rating aggregates): one BatchGetItem of the keys.

    Not found as `book_get` is. Eventually consistent unless `consistent` (an edit decided
    from it, whose conditions would otherwise fail on a stale read). A Query on the book's
    partition key would return both items too, for half the read units (0.5 RCU instead of
    1); the book page is a small share of the sale-day cost (docs/architecture/scaling.md),
    so it keeps the plain read of two known keys.
    """
    canonical = canonical_id(book_id)
    if canonical is None:
        raise ApplicationError(CatalogError.BOOK_NOT_FOUND)
    stocked = books_get_many_stocked(
        tenant_id=tenant_id, book_ids=[canonical], consistent=consistent, ratings=ratings
    ).get(canonical)
    if stocked is None or not (stocked.book.is_active or include_inactive):
        raise ApplicationError(CatalogError.BOOK_NOT_FOUND)
    return stocked


def books_get_many_stocked(
    *, tenant_id: str, book_ids: list[str], consistent: bool = False, ratings: bool = False
) -> dict[str, StockedBook]:
    """`books_get_many` with each book's stock item, in the same BatchGetItem (both keys of each book).

    `ratings` adds each book's rating aggregates (a third key per book, the book page's).
    One BatchGetItem per BATCH_GET_KEYS keys, two per book, so a whole cart (at most
    CART_MAX_LINES books) is one call; unprocessed keys are sent again.
    """
    ids = sorted({canonical for canonical in map(canonical_id, book_ids) if canonical})
    wanted = [
        {"pk": {"S": Book.key(tenant_id, book_id)}, "sk": {"S": sort_key}}
        for book_id in ids
        for sort_key in (Book.SORT_KEY, BookStock.SORT_KEY, *((BookRatings.SORT_KEY,) if ratings else ()))
    ]
    connection, table = Book._get_connection(), Book.Meta.table_name
    raw_items: list[dict] = []
    for start in range(0, len(wanted), BATCH_GET_KEYS):
        pending = wanted[start : start + BATCH_GET_KEYS]
        while pending:
            response = connection.batch_get_item(pending, consistent_read=consistent)
            raw_items += response.get("Responses", {}).get(table, [])
            pending = response.get("UnprocessedKeys", {}).get(table, {}).get("Keys", [])
    books, stocks, rated = _split_items(raw_items)
    return {
        book_id: StockedBook(book=book, stock=stocks.get(book_id), ratings=rated.get(book_id))
        for book_id, book in books.items()
    }


def books_get_many(*, tenant_id: str, book_ids: list[str]) -> dict[str, Book]:
    """The books of this tenant with these ids, by book_id, active or not; missing ids are absent.

    One BatchGetItem per 100 distinct ids (PynamoDB chunks and retries unprocessed keys).
    Malformed ids are skipped rather than sent.
    """
    ids = {canonical for canonical in map(canonical_id, book_ids) if canonical}
    keys = [(Book.key(tenant_id, book_id), Book.SORT_KEY) for book_id in sorted(ids)]
    return {book.book_id: book for book in Book.batch_get(keys)} if keys else {}


def isbn_claim_key(*, tenant_id: str, isbn: str) -> str:
    """The UniqueKey that reserves an ISBN in a tenant: always its ISBN-13 form."""
    return UniqueKey.key_for(tenant_id=tenant_id, kind=ISBN_KIND, value=to_isbn13(isbn))


def book_get_by_isbn(*, tenant_id: str, isbn: str, include_inactive: bool = False) -> StockedBook:
    """The book with this ISBN (10 or 13, hyphens allowed) and its stock: GetItem on the claim, then BatchGetItem.

    The claim is read consistently, so a book is found by ISBN as soon as it is created.
    """
    normalized = clean_isbn(isbn)
    try:
        claim = UniqueKey.get(isbn_claim_key(tenant_id=tenant_id, isbn=normalized), consistent_read=True)
    except UniqueKey.DoesNotExist as exc:
        raise ApplicationError(CatalogError.BOOK_NOT_FOUND) from exc
    return book_get_stocked(tenant_id=tenant_id, book_id=claim.owner_id, include_inactive=include_inactive)


@dataclass(frozen=True)
class BookFilterFields:
    """The filters the listing and search share (`BookFilterQuerySerializer` validates them as input)."""

    category: str | None = None
    author: str | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    language: str | None = None
    in_stock: bool | None = None


@dataclass(frozen=True)
class BookFilters(BookFilterFields):
    """What `GET books` may ask for; `sort` is one of SORTS."""

    sort: str = "newest"

    def cursor_scope(self, tenant_id: str) -> str:
        """The salt of this query's cursors: a cursor resumes only the tenant and query that issued it."""
        return "books:" + json.dumps([tenant_id, {k: str(v) for k, v in asdict(self).items()}], sort_keys=True)


@dataclass(frozen=True)
class _ListingPlan:
    index: GlobalSecondaryIndex
    hash_value: str
    forward: bool
    range_condition: Condition | None
    filter_condition: Condition | None


_INDEXES = {
    ("catalog_key", "listed_at"): Book.catalog_newest_index,
    ("catalog_key", "price_key"): Book.catalog_price_index,
    ("catalog_key", "title_key"): Book.catalog_title_index,
    ("category_key", "listed_at"): Book.category_index,
    ("category_key", "price_key"): Book.category_price_index,
    ("category_key", "title_key"): Book.category_title_index,
    ("author_key", "listed_at"): Book.author_index,
    ("author_key", "price_key"): Book.author_price_index,
    ("author_key", "title_key"): Book.author_title_index,
}


def _listing_plan(tenant_id: str, filters: BookFilters) -> _ListingPlan:
    """The index, key condition and filter that serve these filters (docs/architecture/data-model.md)."""
    conditions = []
    if filters.author:
        hash_attr, hash_value = "author_key", keys.author_key(tenant_id, filters.author)
        if filters.category:  # an author's books are few: filter them by category
            conditions.append(Book.category_key == keys.category_key(tenant_id, filters.category))
    elif filters.category:
        hash_attr, hash_value = "category_key", keys.category_key(tenant_id, filters.category)
    else:
        hash_attr, hash_value = "catalog_key", keys.catalog_key(tenant_id)
    range_attr, forward = SORT_KEYS[filters.sort]

    range_condition = None
    low, high = filters.min_price, filters.max_price
    if range_attr == "price_key":  # the price range is part of the key condition
        if low is not None and high is not None:
            range_condition = Book.price_key.between(keys.price_floor(low), keys.price_ceiling(high))
        elif low is not None:
            range_condition = Book.price_key >= keys.price_floor(low)
        elif high is not None:
            range_condition = Book.price_key <= keys.price_ceiling(high)
    else:
        if low is not None:
            conditions.append(Book.price >= low)
        if high is not None:
            conditions.append(Book.price <= high)
    if filters.language:
        conditions.append(Book.language == filters.language)
    if filters.in_stock is not None:
        # The flag the books stream keeps from the stock item (a stream delay behind it).
        conditions.append(Book.in_stock == filters.in_stock)

    return _ListingPlan(
        index=_INDEXES[(hash_attr, range_attr)],
        hash_value=hash_value,
        forward=forward,
        range_condition=range_condition,
        filter_condition=reduce(operator.and_, conditions) if conditions else None,
    )


def books_list(*, tenant_id: str, filters: BookFilters, limit: int = DEFAULT_LIMIT, cursor: str | None = None) -> Page:
    """A page of the tenant's active books, from the GSI that serves the filters and sort.

    One Query per page when every filter is in the key; with a FilterExpression, more
    Queries on the same index until the page is full, the index ends, or the read cap is hit.
    """
    plan = _listing_plan(tenant_id, filters)
    return query_page(
        plan.index,
        plan.hash_value,
        range_key_condition=plan.range_condition,
        filter_condition=plan.filter_condition,
        scan_index_forward=plan.forward,
        limit=limit,
        cursor=cursor,
        scope=filters.cursor_scope(tenant_id),
    )


def categories_list(*, tenant_id: str) -> list[BookFacet]:
    """The categories that have active books, with their counts, by folded name: one Query."""
    partition = keys.facet_partition(tenant_id, keys.CATEGORY)
    return list(BookFacet.query(partition, filter_condition=BookFacet.book_count > 0))


def catalog_size(*, tenant_id: str) -> int:
    """How many active books the tenant sells: the sum of its category counts (one Query)."""
    return sum(int(facet.book_count) for facet in categories_list(tenant_id=tenant_id))


def authors_list(*, tenant_id: str, prefix: str = "", limit: int = DEFAULT_LIMIT, cursor: str | None = None) -> Page:
    """A page of the authors with active books whose full name starts with `prefix` (case- and accent-insensitive).

    The prefix is matched against the start of the whole name (`gab` finds "Gabriel García
    Márquez", `gar` does not): a `begins_with` on the facet's sort key, one Query. Finding a
    word inside a name is the search endpoints' job.
    """
    folded = keys.name_key(prefix)
    return query_page(
        BookFacet,
        keys.facet_partition(tenant_id, keys.AUTHOR),
        range_key_condition=BookFacet.sk.startswith(folded) if folded else None,
        filter_condition=BookFacet.book_count > 0,
        limit=limit,
        cursor=cursor,
        scope="authors:" + json.dumps([tenant_id, folded]),
    )


# --- Best-sellers and co-purchases (counters kept by the purchases stream) ---------------

CO_PURCHASE_TOP = 20


@dataclass(frozen=True)
class BestSeller:
    """A book still for sale, with the units sold net of cancellations."""

    book: Book
    units_sold: int


def bestsellers_list(
    *, tenant_id: str, category: str | None = None, limit: int = DEFAULT_LIMIT, cursor: str | None = None
) -> Page:
    """A page of the tenant's best-sellers (optionally of one category), most units first.

    One Query on `bestsellers-index` (or `category-bestsellers-index`) with `units_sold > 0`,
    then one BatchGetItem for the books. Books no longer sold (inactive or deleted) are
    left out, so a page may hold fewer than `limit` items; `next` still continues after it.
    """
    if category:
        index, hash_key = BookSales.category_bestsellers_index, keys.category_bestsellers_key(tenant_id, category)
    else:
        index, hash_key = BookSales.bestsellers_index, keys.bestsellers_key(tenant_id)
    page = query_page(
        index,
        hash_key,
        range_key_condition=BookSales.units_sold > 0,
        scan_index_forward=False,
        limit=limit,
        cursor=cursor,
        scope="bestsellers:" + json.dumps([tenant_id, keys.fold(category or "")]),
    )
    books = books_get_many(tenant_id=tenant_id, book_ids=[c.book_id for c in page.items])
    items = [
        BestSeller(book=books[c.book_id], units_sold=int(c.units_sold))
        for c in page.items
        if c.book_id in books and books[c.book_id].is_active
    ]
    return Page(items=items, next_cursor=page.next_cursor)


def co_purchases_top(*, tenant_id: str, book_id: str, limit: int = CO_PURCHASE_TOP) -> list[tuple[str, int]]:
    """The books most often bought with `book_id`, as (book_id, times), at most CO_PURCHASE_TOP: one Query."""
    results = CoPurchase.times_index.query(
        f"{tenant_id}#{book_id}",
        range_key_condition=CoPurchase.times > 0,
        scan_index_forward=False,
        limit=min(limit, CO_PURCHASE_TOP),
    )
    return [(item.partner_id, int(item.times)) for item in results]
