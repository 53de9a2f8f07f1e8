"""Every write of a book's stock item (`BookStock`), most of them inside a caller's transaction.

Checkout reserves and cancel restocks from the orders app, inside the orders' own
transaction: this module is the seam through which they change the catalogue's item
without writing its attributes themselves. Each action is labelled `stock:{book_id}`, so
the caller can tell which book a cancellation reason belongs to. The book item itself is
never written by a sale: concurrent checkouts of one book meet only on the small stock
item, and never on the book's `version`, which belongs to the admin's edits.

The catalogue's own writes (create, the price/is_active mirror, an admin's stock change)
and the stream handler's `in_stock` flag are here too, so the stock item's attributes are
written in one module. Every write of the stock item sets `updated_at`, which orders the
`in_stock` flag (`in_stock_flag_apply`).
"""

from datetime import datetime
from decimal import Decimal

from pynamodb.exceptions import UpdateError

from bookstore.dynamodb.clock import now
from bookstore.dynamodb.conditions import is_condition_failure
from bookstore.dynamodb.transactions import LabelledTransaction
from catalog.models import Book, BookStock


def stock_label(book_id: str) -> str:
    """The label of a book's stock movement in a LabelledTransaction."""
    return f"stock:{book_id}"


def stock_item(*, tenant_id: str, book_id: str) -> BookStock:
    """The stock item's key, to update it (no read)."""
    return BookStock(BookStock.key(tenant_id, book_id), BookStock.SORT_KEY)


def reserve_stock(tx: LabelledTransaction, *, stock: BookStock, quantity: int, price: Decimal) -> None:
    """Take `quantity` copies, if they are there, the book is active, and its price is still `price`, the one charged.

    `price` mirrors the book's and changes with it in one transaction, so a price edit
    between the cart's read and this write cancels the checkout. On failure the
    cancellation reason carries the stock item as it is (ALL_OLD).
    """
    tx.update(
        stock_label(stock.book_id),
        stock_item(tenant_id=stock.tenant_id, book_id=stock.book_id),
        actions=[BookStock.stock_quantity.add(-quantity), BookStock.updated_at.set(now())],
        condition=(BookStock.stock_quantity >= quantity) & (BookStock.is_active == True) & (BookStock.price == price),  # noqa: E712
        return_values="ALL_OLD",
    )


def restock(tx: LabelledTransaction, *, tenant_id: str, book_id: str, quantity: int) -> None:
    """Put `quantity` copies back, whatever the book's state (a soft-deleted book keeps its stock)."""
    tx.update(
        stock_label(book_id),
        stock_item(tenant_id=tenant_id, book_id=book_id),
        actions=[BookStock.stock_quantity.add(quantity), BookStock.updated_at.set(now())],
        condition=BookStock.pk.exists(),
    )


def stock_for_new_book(book: Book, *, stock_quantity: int) -> BookStock:
    """The stock item written with a new book (same price, is_active and time as the book)."""
    return BookStock(
        BookStock.key(book.tenant_id, book.book_id),
        BookStock.SORT_KEY,
        tenant_id=book.tenant_id,
        book_id=book.book_id,
        stock_quantity=stock_quantity,
        price=book.price,
        is_active=book.is_active,
        updated_at=book.in_stock_at,
    )


def stock_change(
    tx: LabelledTransaction,
    *,
    book: Book,
    mirror: bool,
    stock_quantity: int | None,
    read_quantity: int | None,
    at: datetime,
) -> None:
    """An admin's edit of the sale state, in the book edit's transaction (label `stock`).

    `mirror` copies the book's (new) price and is_active; `stock_quantity` sets the stock,
    on condition it is still `read_quantity`, the value the edit was decided from, so a
    sale meanwhile fails the edit (`version_conflict`) instead of being overwritten.
    """
    actions = [BookStock.updated_at.set(at)]
    condition = BookStock.pk.exists()
    if mirror:
        actions += [BookStock.price.set(book.price), BookStock.is_active.set(book.is_active)]
    if stock_quantity is not None:
        actions.append(BookStock.stock_quantity.set(stock_quantity))
        condition &= BookStock.stock_quantity == read_quantity
    tx.update("stock", stock_item(tenant_id=book.tenant_id, book_id=book.book_id), actions=actions, condition=condition)


def in_stock_flag_apply(*, tenant_id: str, book_id: str, in_stock: bool, at: datetime) -> bool:
    """Set the book's listing flag from a stock item written at `at`; False if a newer decision is there.

    Conditioned on the book existing and on `in_stock_at` being older than `at`, so replays
    and late records change nothing. Written through the table connection, not the model:
    PynamoDB's model update would move the book's `version`, which only admin edits move.
    """
    try:
        Book._get_connection().update_item(
            Book.key(tenant_id, book_id),
            Book.SORT_KEY,
            actions=[Book.in_stock.set(in_stock), Book.in_stock_at.set(at)],
            condition=Book.pk.exists() & (Book.in_stock_at.does_not_exist() | (Book.in_stock_at < at)),
        )
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True
