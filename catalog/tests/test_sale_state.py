"""The sale-state split: the books stream's `in_stock` flag, and the `split_sale_state` migration.

catalog/stream_handlers.py `apply_in_stock` and catalog/stock.py `in_stock_flag_apply` keep the
flag; catalog/sale_state.py gives one-item books (stock on the book item) their stock item.
"""

from datetime import timedelta

import pytest
from django.core.management import call_command
from pynamodb.expressions.operand import Path

from catalog.models import Book, BookStock
from catalog.selectors import BookFilters, books_list
from catalog.services import book_delete
from catalog.stock import in_stock_flag_apply
from catalog.stream_handlers import apply_in_stock
from streams.registry import MODIFY, StreamRecord

BOOKS = "/api/v1/books"


def stored(book) -> Book:
    return Book.get(book.pk, book.sk, consistent_read=True)


def listed_ids(*, in_stock: bool) -> set[str]:
    page = books_list(tenant_id="tenant1", filters=BookFilters(in_stock=in_stock), limit=100)
    return {b.book_id for b in page.items}


def test_in_stock_flips_when_the_last_copy_sells_and_back_on_restock(
    customer, customer_client, book_factory, placed_order, consume_streams
):
    book = book_factory(stock_quantity=2)
    other = book_factory(stock_quantity=5)
    assert stored(book).in_stock is True

    first = placed_order(customer, book)
    consume_streams("--tables", "books")
    assert stored(book).in_stock is True  # 2 → 1 crosses nothing: the book is not written
    assert stored(book).version == 1

    second = placed_order(customer, book)
    consume_streams("--tables", "books")
    sold_out = stored(book)
    assert sold_out.in_stock is False
    assert sold_out.version == 1  # the flag is not an edit
    assert listed_ids(in_stock=False) == {book.book_id}
    assert listed_ids(in_stock=True) == {other.book_id}
    listing = customer_client.get(BOOKS, {"in_stock": "false"}).json()["results"]
    assert [(b["book_id"], b["in_stock"]) for b in listing] == [(book.book_id, False)]
    assert "stock_quantity" not in listing[0]  # listings show the flag; the book page shows the count
    assert customer_client.get(f"{BOOKS}/{book.book_id}").json()["stock_quantity"] == 0

    assert customer_client.post(f"/api/v1/purchases/{second.purchase_id}/cancel").status_code == 200
    consume_streams("--tables", "books")
    assert stored(book).in_stock is True
    assert first.purchase_id  # its copy stays sold


def test_a_replayed_or_late_stock_record_never_flips_the_flag_back(book_factory):
    book = book_factory(stock_quantity=0)
    created = stored(book).in_stock_at
    assert stored(book).in_stock is False

    # The stock item came back in stock later; that decision is applied first.
    later = created + timedelta(seconds=5)
    assert in_stock_flag_apply(tenant_id="tenant1", book_id=book.book_id, in_stock=True, at=later) is True

    # The record of an earlier sell-out, delivered late (or again): refused by `in_stock_at`.
    earlier = created + timedelta(seconds=2)
    stamp = BookStock.updated_at.serialize(earlier)
    image = {"tenant_id": "tenant1", "book_id": book.book_id, "updated_at": stamp}
    record = StreamRecord(
        table="books",
        event_id="late",
        event_name=MODIFY,
        sequence_number="1",
        keys={"pk": book.pk, "sk": BookStock.SORT_KEY},
        new_image={**image, "stock_quantity": 0},
        old_image={**image, "stock_quantity": 1},
        event_source_arn="arn:aws:dynamodb:local:000000000000:table/books/stream/x",
    )
    assert apply_in_stock([record]) == []
    assert stored(book).in_stock is True
    assert stored(book).in_stock_at == later
    # The same decision again changes nothing either.
    assert in_stock_flag_apply(tenant_id="tenant1", book_id=book.book_id, in_stock=True, at=later) is False


def _as_one_item_book(book, stock_quantity: int) -> None:
    """Make a book a one-item book: its stock on the book item, no stock item."""
    BookStock(book.pk, BookStock.SORT_KEY).delete()
    Book._get_connection().update_item(
        book.pk,
        book.sk,
        actions=[Path("stock_quantity").set(stock_quantity), Book.in_stock.remove(), Book.in_stock_at.remove()],
    )


def test_split_sale_state_moves_the_stock_once(tenant, other_tenant, book_factory, customer_client):
    mine = book_factory(stock_quantity=7)
    sold_out = book_factory(stock_quantity=0)
    hidden = book_factory(stock_quantity=3)
    theirs = book_factory(other_tenant, stock_quantity=4)
    book_delete(tenant_id="tenant1", book_id=hidden.book_id)
    for book, quantity in ((mine, 7), (sold_out, 0), (hidden, 3), (theirs, 4)):
        _as_one_item_book(book, quantity)
    assert customer_client.get(f"{BOOKS}/{mine.book_id}").json()["stock_quantity"] == 0  # nothing to sell yet

    call_command("split_sale_state", "--tenant", "tenant1")

    for book, quantity, active in ((mine, 7, True), (sold_out, 0, True), (hidden, 3, False)):
        stock = BookStock.get(book.pk, BookStock.SORT_KEY, consistent_read=True)
        assert (stock.stock_quantity, stock.price, stock.is_active) == (quantity, book.price, active)
        raw = Book._get_connection().get_item(book.pk, book.sk, consistent_read=True)["Item"]
        assert "stock_quantity" not in raw
        assert stored(book).in_stock is (quantity > 0)
    assert customer_client.get(f"{BOOKS}/{mine.book_id}").json()["stock_quantity"] == 7
    with pytest.raises(BookStock.DoesNotExist):  # another tenant is not touched by --tenant
        BookStock.get(theirs.pk, BookStock.SORT_KEY, consistent_read=True)

    versions = {b.book_id: stored(b).version for b in (mine, sold_out, hidden)}
    call_command("split_sale_state")  # again, for every active tenant: only the other tenant's book is left
    assert {b.book_id: stored(b).version for b in (mine, sold_out, hidden)} == versions
    assert BookStock.get(theirs.pk, BookStock.SORT_KEY, consistent_read=True).stock_quantity == 4
