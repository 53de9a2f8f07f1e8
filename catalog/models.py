"""Books, the per-tenant catalogue facets, and the sales and co-purchase counters kept by the streams."""

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, LocalSecondaryIndex
from pynamodb.models import Model

from bookstore.dynamodb.attributes import DecimalAttribute
from bookstore.dynamodb.base import NEW_AND_OLD_IMAGES, BaseModel, TableMeta, table_name
from bookstore.dynamodb.registry import register
from bookstore.dynamodb.tenant_fields import EXACT, PREFIX, TenantOwned

# What a book may hold: an admin's input is checked against these.
TITLE_MAX_LENGTH = 300
NAME_MAX_LENGTH = 200  # an author's or a publisher's
CATEGORY_MAX_LENGTH = 100
DESCRIPTION_MAX_LENGTH = 5000
FIRST_PRINTED_YEAR = 1450  # Gutenberg: no printed book is older
MAX_STOCK = 1_000_000
MAX_PAGES = 100_000

# Every listing index projects the whole book, so one Query returns a full page.


class CatalogNewestIndex(GlobalSecondaryIndex):
    """GSI `catalog-newest-index`: `{tenant}#BOOKS` → active books by `listed_at` (newest: descending)."""

    class Meta:
        index_name = "catalog-newest-index"
        projection = AllProjection()

    catalog_key = UnicodeAttribute(hash_key=True)
    listed_at = UnicodeAttribute(range_key=True)


class CatalogPriceIndex(GlobalSecondaryIndex):
    """GSI `catalog-price-index`: `{tenant}#BOOKS` → active books by price; a price range is a key condition."""

    class Meta:
        index_name = "catalog-price-index"
        projection = AllProjection()

    catalog_key = UnicodeAttribute(hash_key=True)
    price_key = UnicodeAttribute(range_key=True)


class CatalogTitleIndex(GlobalSecondaryIndex):
    """GSI `catalog-title-index`: `{tenant}#BOOKS` → active books by folded title."""

    class Meta:
        index_name = "catalog-title-index"
        projection = AllProjection()

    catalog_key = UnicodeAttribute(hash_key=True)
    title_key = UnicodeAttribute(range_key=True)


class CategoryIndex(GlobalSecondaryIndex):
    """GSI `category-index`: `{tenant}#CATEGORY#{category}` → active books, newest first."""

    class Meta:
        index_name = "category-index"
        projection = AllProjection()

    category_key = UnicodeAttribute(hash_key=True)
    listed_at = UnicodeAttribute(range_key=True)


class CategoryPriceIndex(GlobalSecondaryIndex):
    """GSI `category-price-index`: `{tenant}#CATEGORY#{category}` → active books by price."""

    class Meta:
        index_name = "category-price-index"
        projection = AllProjection()

    category_key = UnicodeAttribute(hash_key=True)
    price_key = UnicodeAttribute(range_key=True)


class CategoryTitleIndex(GlobalSecondaryIndex):
    """GSI `category-title-index`: `{tenant}#CATEGORY#{category}` → active books by title."""

    class Meta:
        index_name = "category-title-index"
        projection = AllProjection()

    category_key = UnicodeAttribute(hash_key=True)
    title_key = UnicodeAttribute(range_key=True)


class AuthorIndex(GlobalSecondaryIndex):
    """GSI `author-index`: `{tenant}#AUTHOR#{author}` → active books, newest first."""

    class Meta:
        index_name = "author-index"
        projection = AllProjection()

    author_key = UnicodeAttribute(hash_key=True)
    listed_at = UnicodeAttribute(range_key=True)


class AuthorPriceIndex(GlobalSecondaryIndex):
    """GSI `author-price-index`: `{tenant}#AUTHOR#{author}` → active books by price."""

    class Meta:
        index_name = "author-price-index"
        projection = AllProjection()

    author_key = UnicodeAttribute(hash_key=True)
    price_key = UnicodeAttribute(range_key=True)


class AuthorTitleIndex(GlobalSecondaryIndex):
    """GSI `author-title-index`: `{tenant}#AUTHOR#{author}` → active books by title."""

    class Meta:
        index_name = "author-title-index"
        projection = AllProjection()

    author_key = UnicodeAttribute(hash_key=True)
    title_key = UnicodeAttribute(range_key=True)


@register
class Book(BaseModel):
    """A book of one tenant's catalogue.

    PK `{tenant}#{book_id}`, SK `BOOK`. The SK is a constant, not the ISBN: it makes a
    book's whole key derivable from its id, which the cart, favourites and
    checkout need for BatchGetItem and transaction conditions, and lets an ISBN be
    corrected without moving the item. The ISBN is unique per tenant through a
    `UniqueKey` `{tenant}#ISBN#{isbn13}` written in the same transaction as the book
    (an ISBN-10 claims its ISBN-13 form, so one book cannot be entered twice); its
    `owner_id` is the book_id, so a GetItem on the claim then on the book serves
    `GET books/isbn/{isbn}`.

    Listing indexes: three scopes by three sort orders, nine GSIs, each one Query per page.

    | scope (GSI hash key)                    | newest: listed_at    | price: price_key     | title: title_key     |
    |-----------------------------------------|----------------------|----------------------|----------------------|
    | none: catalog_key `{t}#BOOKS`           | catalog-newest-index | catalog-price-index  | catalog-title-index  |
    | category: category_key `{t}#CATEGORY#…` | category-index       | category-price-index | category-title-index |
    | author: author_key `{t}#AUTHOR#…`       | author-index         | author-price-index   | author-title-index   |

    Sort keys end in `#{book_id}` so they are unique: `listed_at` is
    `{created_at UTC, fixed width}#{id}`, `price_key` `{price in cents, 12 digits}#{id}`
    (so a price range is a key condition on the price indexes), `title_key`
    `{folded title}#{id}`. Names are folded (no accents, case-folded) by `catalog.keys`.

    The hash keys are set only while the book is active, so the GSIs are sparse: a soft
    delete drops the book from every listing without a filter, and a reactivation puts
    it back. `version` is an optimistic lock on the admin's edits: an update conditioned
    on a stale version fails. Sales never write this item (see `BookStock`), so its
    `version` moves only on edits.

    `in_stock` is what listings show and filter on instead of the stock: the books stream
    handler sets it when the stock item's `stock_quantity` crosses zero, and `in_stock_at`
    is the stock item's `updated_at` it was decided from, so a replayed or late record
    cannot flip it back. It is eventually consistent (a stream delay behind the stock);
    the cart and checkout always read the stock item. The table streams NEW_AND_OLD_IMAGES
    to keep the search index (books only) and `in_stock` in sync.
    """

    SORT_KEY = "BOOK"
    TENANCY = TenantOwned(
        pk=PREFIX,
        tenant_id=EXACT,
        catalog_key=PREFIX,
        category_key=PREFIX,
        author_key=PREFIX,
        without_tenant=("sk", "listed_at", "price_key", "title_key"),
    )

    class Meta(TableMeta):
        table_name = table_name("books")
        stream_view_type = NEW_AND_OLD_IMAGES

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default=SORT_KEY)
    tenant_id = UnicodeAttribute()
    book_id = UnicodeAttribute()
    isbn = UnicodeAttribute()
    title = UnicodeAttribute()
    author = UnicodeAttribute()
    editorial = UnicodeAttribute(default="")
    category = UnicodeAttribute()
    price = DecimalAttribute()
    description = UnicodeAttribute(default="")
    cover_image_url = UnicodeAttribute(null=True)
    in_stock = BooleanAttribute(default=False)
    in_stock_at = UTCDateTimeAttribute(null=True)
    publication_year = NumberAttribute(null=True)
    language = UnicodeAttribute(default="en")
    pages = NumberAttribute(null=True)
    rating = DecimalAttribute(null=True)
    is_active = BooleanAttribute(default=True)
    version = VersionAttribute()

    # Sparse index hash keys: present only while is_active.
    catalog_key = UnicodeAttribute(null=True)
    category_key = UnicodeAttribute(null=True)
    author_key = UnicodeAttribute(null=True)
    # Index sort keys: always present, derived from created_at, price and title.
    listed_at = UnicodeAttribute(null=True)
    price_key = UnicodeAttribute(null=True)
    title_key = UnicodeAttribute(null=True)

    catalog_newest_index = CatalogNewestIndex()
    catalog_price_index = CatalogPriceIndex()
    catalog_title_index = CatalogTitleIndex()
    category_index = CategoryIndex()
    category_price_index = CategoryPriceIndex()
    category_title_index = CategoryTitleIndex()
    author_index = AuthorIndex()
    author_price_index = AuthorPriceIndex()
    author_title_index = AuthorTitleIndex()

    @staticmethod
    def key(tenant_id: str, book_id: str) -> str:
        return f"{tenant_id}#{book_id}"


class BookStock(Model):
    """The sale state of one book: its stock, and a mirror of what checkout conditions on.

    PK `{tenant}#{book_id}` (the book's own partition key), SK `STOCK`, in the books table,
    next to the book item (SK `BOOK`): one BatchGetItem of both keys reads a book with its
    stock (`GET books/{id}`, the cart, checkout). It carries no index key, so it is in no
    GSI: at ~200 bytes a sale writes 1 item (2 WCU in a transaction) and none of the book's
    nine ALL-projection index copies (docs/architecture/decisions/sale-state-split.md).

    Checkout decrements `stock_quantity` on condition `stock_quantity >= :q AND price =
    :charged AND is_active = true`; a cancellation ADDs it back; neither touches the book,
    so sales never move the book's `version` and never collide with an admin's edit. `price`
    and `is_active` mirror the book's: an admin edit of either writes both items in one
    transaction (the book on its version), so a price change during a checkout still
    cancels it. An admin's stock change writes this item only. Every write sets
    `updated_at`, which orders the `in_stock` flag the stream handler keeps on the book.

    Not registered: the table belongs to `Book` (create_tables, exports and snapshots read
    the table through it, and its TENANCY covers `pk` and `tenant_id`, which carry the tenant
    here too).
    """

    SORT_KEY = "STOCK"

    class Meta(TableMeta):
        table_name = table_name("books")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default=SORT_KEY)
    tenant_id = UnicodeAttribute()
    book_id = UnicodeAttribute()
    stock_quantity = NumberAttribute(default=0)
    price = DecimalAttribute()
    is_active = BooleanAttribute(default=True)
    updated_at = UTCDateTimeAttribute()

    @staticmethod
    def key(tenant_id: str, book_id: str) -> str:
        return Book.key(tenant_id, book_id)


class BookRatings(Model):
    """The exact rating aggregates of one book: how many published reviews, their sum, a 1-5 histogram.

    PK `{tenant}#{book_id}` (the book's own partition key), SK `RATINGS`, in the books table
    next to the book and its stock item: `GET books/{id}` reads the three in one BatchGetItem.
    Like the stock item it carries no index key, so it is in no GSI: a review moves this
    ~150-byte item, never the book and its nine index copies. The reviews stream handler
    ADDs to it in a transaction with its marker (`catalog/ratings.py`); the book's listed
    `rating` (the mean, 2 decimals) is written only when that rounded value changes, and
    `listed_rating` here is the value last written there.

    Not registered: the table belongs to `Book`, whose TENANCY covers `pk` and `tenant_id`.
    """

    SORT_KEY = "RATINGS"

    class Meta(TableMeta):
        table_name = table_name("books")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default=SORT_KEY)
    tenant_id = UnicodeAttribute(null=True)
    book_id = UnicodeAttribute(null=True)
    rating_count = NumberAttribute(default=0)
    rating_sum = NumberAttribute(default=0)
    stars_1 = NumberAttribute(default=0)
    stars_2 = NumberAttribute(default=0)
    stars_3 = NumberAttribute(default=0)
    stars_4 = NumberAttribute(default=0)
    stars_5 = NumberAttribute(default=0)
    listed_rating = DecimalAttribute(null=True)

    @staticmethod
    def key(tenant_id: str, book_id: str) -> str:
        return Book.key(tenant_id, book_id)

    @property
    def histogram(self) -> dict[str, int]:
        """Published reviews per score, "1" to "5"."""
        return {str(score): int(getattr(self, f"stars_{score}") or 0) for score in range(1, 6)}


@register
class BookFacet(Model):
    """The count of active books per category or per author, kept by the book writes.

    PK `{tenant}#CATEGORY` or `{tenant}#AUTHOR`, SK the folded name; `name` is the name as
    first written, `book_count` the number of active books. Every book create, update, soft
    delete and reactivation ADDs ±1 here in the same TransactWriteItems as the book, so
    counts never drift and never depend on stock. One Query on `{tenant}#CATEGORY` serves
    `GET books/categories`; one Query on `{tenant}#AUTHOR` with `begins_with(sk, prefix)`
    serves the case- and accent-insensitive author prefix search. Zero counts stay as
    items and are filtered out of reads.
    """

    class Meta(TableMeta):
        table_name = table_name("book_facets")

    TENANCY = TenantOwned(pk=PREFIX, without_tenant=("sk",))

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    name = UnicodeAttribute(null=True)
    # Not `count`: that would shadow Model.count().
    book_count = NumberAttribute(default=0)


class BestsellersIndex(GlobalSecondaryIndex):
    """GSI `bestsellers-index`: `{tenant}#BESTSELLERS` → books by units sold (descending: the best-sellers)."""

    class Meta:
        index_name = "bestsellers-index"
        projection = AllProjection()

    bestseller_key = UnicodeAttribute(hash_key=True)
    units_sold = NumberAttribute(range_key=True)


class CategoryBestsellersIndex(GlobalSecondaryIndex):
    """GSI `category-bestsellers-index`: `{tenant}#BESTSELLERS#{folded category}` → books by units sold."""

    class Meta:
        index_name = "category-bestsellers-index"
        projection = AllProjection()

    category_bestseller_key = UnicodeAttribute(hash_key=True)
    units_sold = NumberAttribute(range_key=True)


@register
class BookSales(Model):
    """Units sold of one book, net of cancellations, kept by the purchases stream.

    PK `{tenant}#{book_id}`, SK `SALES`. Each purchase ADDs its quantities (a cancellation
    subtracts them) in one TransactWriteItems with a `SalesMarker`, so a redelivered
    record counts once. `bestsellers-index` (hash `{tenant}#BESTSELLERS`) and
    `category-bestsellers-index` (hash `{tenant}#BESTSELLERS#{folded category}`) sort by
    `units_sold`: one Query with `units_sold > 0`, descending, serves `GET books/bestsellers`.
    Title, author and category are as last sold (the endpoint reads the books themselves).
    """

    SORT_KEY = "SALES"

    TENANCY = TenantOwned(
        pk=PREFIX,
        tenant_id=EXACT,
        bestseller_key=PREFIX,
        category_bestseller_key=PREFIX,
        without_tenant=("sk", "units_sold"),
    )

    class Meta(TableMeta):
        table_name = table_name("book_sales")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default=SORT_KEY)
    tenant_id = UnicodeAttribute()
    book_id = UnicodeAttribute()
    category = UnicodeAttribute(null=True)
    units_sold = NumberAttribute(default=0)
    bestseller_key = UnicodeAttribute(null=True)
    category_bestseller_key = UnicodeAttribute(null=True)

    bestsellers_index = BestsellersIndex()
    category_bestsellers_index = CategoryBestsellersIndex()


class CoPurchaseTimesIndex(LocalSecondaryIndex):
    """LSI `times-index`: a book's partners by how many purchases held both (descending: top partners)."""

    class Meta:
        index_name = "times-index"
        projection = AllProjection()

    pk = UnicodeAttribute(hash_key=True)
    times = NumberAttribute(range_key=True)


@register
class CoPurchase(Model):
    """How many purchases held both a book and a partner book ("bought together").

    PK `{tenant}#{book_id}`, SK the partner's book_id; `times` is ADDed per purchase (and
    subtracted on cancellation) under a `SalesMarker`, like the sales counters. Reads are
    bounded: one Query on LSI `times-index`, descending, `times > 0`, limit 20, gives a
    book's top 20 partners (recommendations read them).
    """

    TENANCY = TenantOwned(pk=PREFIX, without_tenant=("partner_id", "times"))

    class Meta(TableMeta):
        table_name = table_name("co_purchases")

    pk = UnicodeAttribute(hash_key=True)
    partner_id = UnicodeAttribute(range_key=True)
    times = NumberAttribute(default=0)

    times_index = CoPurchaseTimesIndex()


@register
class SalesMarker(Model):
    """Proof that one chunk of one purchase event was counted: the exactly-once guard of the counters.

    PK `{tenant}#{purchase_id}#{event_type}#{chunk}` (event_type `purchased` or
    `cancelled`). Put with `attribute_not_exists` in the same TransactWriteItems as the
    counter ADDs: a redelivered record's transaction is cancelled by the marker, and the
    counters move once. The TTL forgets it after SALES_MARKER_TTL_DAYS, well past the
    stream's 24 h retention.
    """

    TENANCY = TenantOwned(key=PREFIX)

    class Meta(TableMeta):
        table_name = table_name("sales_markers")

    key = UnicodeAttribute(hash_key=True)
    expires_at = TTLAttribute()
