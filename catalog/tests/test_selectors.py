"""catalog/selectors.py: reads by id, by batch and by ISBN; index-served listings walked page by page."""

from decimal import Decimal

import pytest

from bookstore.errors import ApplicationError
from bookstore.pagination import encode_cursor
from catalog.errors import CatalogError
from catalog.models import Book, BookStock
from catalog.selectors import (
    BookFilters,
    authors_list,
    book_get,
    book_get_by_isbn,
    books_get_many,
    books_get_many_stocked,
    books_list,
)
from catalog.services import book_delete, catalog_seed


@pytest.fixture
def catalog_250(tenant):
    """250 seeded books in tenant1 (curated core + synthetic), 5 of them soft-deleted; returns the active ones."""
    catalog_seed(tenant_id="tenant1", target=250, seed=11)
    books = sorted(
        Book.scan((Book.tenant_id == "tenant1") & (Book.sk == Book.SORT_KEY)), key=lambda b: b.book_id
    )  # ground truth, test-only scan
    for book in books[:5]:
        book_delete(tenant_id="tenant1", book_id=book.book_id)
    return [book for book in books[5:]]


def walk(filters: BookFilters, *, limit: int) -> list[list[Book]]:
    """Every page of a listing, following `next_cursor` like a client follows `next`."""
    pages, cursor = [], None
    while True:
        page = books_list(tenant_id="tenant1", filters=filters, limit=limit, cursor=cursor)
        pages.append(page.items)
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


# --- single reads -------------------------------------------------------------------------


def test_book_get_hides_inactive_books_unless_asked(book_factory):
    book = book_factory()
    book_delete(tenant_id="tenant1", book_id=book.book_id)
    with pytest.raises(ApplicationError) as exc:
        book_get(tenant_id="tenant1", book_id=book.book_id)
    assert exc.value.code == CatalogError.BOOK_NOT_FOUND
    assert book_get(tenant_id="tenant1", book_id=book.book_id, include_inactive=True).is_active is False


@pytest.mark.parametrize("book_id", ["not-a-uuid", "", "../tenant2", "1" * 200])
def test_book_get_with_a_malformed_id_is_not_found(tenant, book_id):
    with pytest.raises(ApplicationError) as exc:
        book_get(tenant_id="tenant1", book_id=book_id)
    assert exc.value.code == CatalogError.BOOK_NOT_FOUND


def test_book_get_accepts_an_uppercase_id(book_factory):
    book = book_factory()
    assert book_get(tenant_id="tenant1", book_id=book.book_id.upper()).book_id == book.book_id


def test_book_get_never_crosses_tenants(book_factory, other_tenant):
    book = book_factory()
    with pytest.raises(ApplicationError):
        book_get(tenant_id="tenant2", book_id=book.book_id, include_inactive=True)


def test_books_get_many_returns_found_books_by_id_active_or_not(book_factory, other_tenant):
    first, second = book_factory(), book_factory()
    book_delete(tenant_id="tenant1", book_id=second.book_id)
    found = books_get_many(
        tenant_id="tenant1",
        book_ids=[first.book_id, second.book_id, first.book_id, "8d88dc21-fa58-42d4-b38b-10dd7f073589", "bad"],
    )
    assert set(found) == {first.book_id, second.book_id}
    assert found[second.book_id].is_active is False
    assert books_get_many(tenant_id="tenant2", book_ids=[first.book_id]) == {}
    assert books_get_many(tenant_id="tenant1", book_ids=[]) == {}


def test_books_get_many_reads_more_than_one_batch(catalog_250):
    ids = [book.book_id for book in catalog_250[:150]]
    assert set(books_get_many(tenant_id="tenant1", book_ids=ids)) == set(ids)


def test_books_with_their_stock_read_in_batches_of_fifty(catalog_250, dynamodb_calls):
    books = catalog_250[:120]
    stocks = {
        s.book_id: int(s.stock_quantity) for s in BookStock.batch_get([(b.pk, BookStock.SORT_KEY) for b in books])
    }
    dynamodb_calls.clear()
    found = books_get_many_stocked(tenant_id="tenant1", book_ids=[b.book_id for b in books] + ["bad"])
    assert dynamodb_calls == {"BatchGetItem": 3}  # 240 keys: 100 + 100 + 40
    assert {book_id: entry.stock_quantity for book_id, entry in found.items()} == stocks
    assert all(entry.book.book_id == book_id for book_id, entry in found.items())
    assert books_get_many_stocked(tenant_id="tenant2", book_ids=[books[0].book_id]) == {}


def test_book_get_by_isbn_accepts_either_form(book_factory):
    book = book_factory(isbn="9780306406157")
    assert book_get_by_isbn(tenant_id="tenant1", isbn="0-306-40615-2").book.book_id == book.book_id
    with pytest.raises(ApplicationError) as exc:
        book_get_by_isbn(tenant_id="tenant1", isbn="9780804429573")
    assert exc.value.code == CatalogError.BOOK_NOT_FOUND
    with pytest.raises(ApplicationError) as exc:
        book_get_by_isbn(tenant_id="tenant1", isbn="12345")
    assert exc.value.code == CatalogError.INVALID_ISBN


# --- listings -----------------------------------------------------------------------------


def test_default_listing_walks_every_active_book_once_newest_first(catalog_250):
    pages = walk(BookFilters(), limit=20)
    listed = [book for page in pages for book in page]

    assert [len(page) for page in pages] == [20] * 12 + [5]
    assert len({b.book_id for b in listed}) == len(listed)  # no duplicates
    assert {b.book_id for b in listed} == {b.book_id for b in catalog_250}  # no gaps, no inactive
    assert [b.listed_at for b in listed] == sorted((b.listed_at for b in listed), reverse=True)


def test_filtered_listing_pages_are_full_until_the_last(catalog_250):
    filters = BookFilters(category="fiction", language="es")  # the category matches case-insensitively
    expected = {b.book_id for b in catalog_250 if b.category == "Fiction" and b.language == "es"}
    assert len(expected) > 7  # enough to need several pages of 3

    pages = walk(filters, limit=3)
    listed = [b.book_id for page in pages for b in page]

    assert all(len(page) == 3 for page in pages[:-1])
    assert 1 <= len(pages[-1]) <= 3
    assert len(listed) == len(set(listed))
    assert set(listed) == expected


def test_price_sort_with_a_price_range_in_the_key_condition(catalog_250):
    low, high = Decimal("10.00"), Decimal("20.99")
    pages = walk(BookFilters(sort="price", min_price=low, max_price=high), limit=25)
    listed = [b for page in pages for b in page]

    assert {b.book_id for b in listed} == {b.book_id for b in catalog_250 if low <= b.price <= high}
    assert [b.price for b in listed] == sorted(b.price for b in listed)


def test_descending_price_and_title_sorts(catalog_250):
    by_price = [b for page in walk(BookFilters(sort="-price", in_stock=True), limit=50) for b in page]
    assert [b.price for b in by_price] == sorted((b.price for b in by_price), reverse=True)
    assert {b.book_id for b in by_price} == {b.book_id for b in catalog_250 if b.in_stock}

    by_title = [b for page in walk(BookFilters(sort="title", max_price=Decimal("15")), limit=50) for b in page]
    assert [b.title_key for b in by_title] == sorted(b.title_key for b in by_title)
    assert {b.book_id for b in by_title} == {b.book_id for b in catalog_250 if b.price <= 15}


def test_author_filter_ignores_case_and_accents_and_combines_with_category(book_factory):
    wanted = book_factory(author="Gabriel García Márquez", category="Fiction")
    book_factory(author="Gabriel García Márquez", category="Journalism")
    book_factory(author="Julio Cortázar", category="Fiction")

    page = books_list(
        tenant_id="tenant1", filters=BookFilters(author="gabriel garcia marquez", category="FICTION"), limit=10
    )
    assert [b.book_id for b in page.items] == [wanted.book_id]


def test_out_of_stock_filter(book_factory):
    sold_out = book_factory(stock_quantity=0)
    book_factory(stock_quantity=3)
    page = books_list(tenant_id="tenant1", filters=BookFilters(in_stock=False), limit=10)
    assert [b.book_id for b in page.items] == [sold_out.book_id]


def test_listing_never_crosses_tenants(book_factory, other_tenant):
    book_factory()
    assert books_list(tenant_id="tenant2", filters=BookFilters(), limit=10).items == []


def test_a_position_for_another_index_is_an_invalid_cursor(book_factory):
    book_factory()
    scope = BookFilters(sort="price").cursor_scope("tenant1")
    foreign_cursor = encode_cursor({"pk": {"S": "x"}, "sk": {"S": "y"}}, scope=scope)  # signed, wrong key shape
    with pytest.raises(ApplicationError) as exc:
        books_list(tenant_id="tenant1", filters=BookFilters(sort="price"), limit=5, cursor=foreign_cursor)
    assert exc.value.code == "invalid_cursor"


# --- facets -------------------------------------------------------------------------------


def test_authors_prefix_is_case_and_accent_insensitive_and_paginated(book_factory):
    for author in ("Álvaro Pombo", "alvaro cunqueiro", "Alberto Méndez", "Ana María Matute"):
        book_factory(author=author)

    page = authors_list(tenant_id="tenant1", prefix="ALVA", limit=1)
    rest = authors_list(tenant_id="tenant1", prefix="ALVA", limit=1, cursor=page.next_cursor)

    assert [a.name for a in page.items + rest.items] == ["alvaro cunqueiro", "Álvaro Pombo"]
    assert rest.next_cursor is None


def test_authors_without_active_books_are_hidden(book_factory):
    book = book_factory(author="Solo Author")
    book_delete(tenant_id="tenant1", book_id=book.book_id)
    assert authors_list(tenant_id="tenant1", prefix="solo").items == []
