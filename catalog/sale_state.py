"""The sale-state migration: give every one-item book its stock item.

A one-item book carries `stock_quantity` on the book item itself and has no `BookStock`
item (a table written by a release that kept the sale state on the book, or an import of
one; docs/architecture/decisions/sale-state-split.md records the decision). `sale_state_split` moves it: per such
book, one TransactWriteItems puts the stock item (`attribute_not_exists`) from the book's
stock, price and is_active, and updates the book (on its version) to drop `stock_quantity`
and set `in_stock`. Either both happen or neither, so a re-run skips what is done; a book
changed between the read and the write (an admin edit, or a sale by a one-item release
still serving) fails its version and is left for a re-run. This code never writes a book's
`stock_quantity`, so what is copied is exact; once it is gone from the book, a one-item
release cannot sell it either (its condition `stock_quantity >= :q` fails on the missing
attribute), so the migration can never let a copy be sold twice.
docs/architecture/decisions/sale-state-split.md says why there is no read fallback.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from pynamodb.expressions.operand import Path

from bookstore.dynamodb.clock import now
from bookstore.dynamodb.transactions import LabelledTransaction
from catalog.models import Book, BookStock
from catalog.stock import stock_for_new_book

# A one-item book's stock, on the book item; the model does not declare it.
ONE_ITEM_STOCK = Path("stock_quantity")


@dataclass
class SaleStateSplit:
    """What a run did: books split now, and books changed meanwhile (left for a re-run)."""

    split: int = 0
    changed: int = 0


class _Changed(Exception):
    """The book or its stock item changed since the scan read it."""


def _unsplit_books(tenant_ids: set[str]) -> Iterator[tuple[Book, int]]:
    """The books of these tenants that still hold their stock, with it: a Scan of the books table.

    A one-off job may scan: inactive books are in no index, and it reads each item once.
    """
    connection, start = Book._get_connection(), None
    condition = (Book.sk == Book.SORT_KEY) & ONE_ITEM_STOCK.exists()
    while True:
        page = connection.scan(filter_condition=condition, exclusive_start_key=start)
        for raw in page.get("Items", []):
            if raw.get("tenant_id", {}).get("S") in tenant_ids:
                yield Book.from_raw_data(raw), int(raw["stock_quantity"]["N"])
        start = page.get("LastEvaluatedKey")
        if not start:
            return


def _split_one(book: Book, stock_quantity: int) -> bool:
    """Split one book in one transaction; False if it changed since it was read."""
    at = now()
    book.in_stock_at = at
    stock = stock_for_new_book(book, stock_quantity=stock_quantity)
    tx = LabelledTransaction()
    tx.put("stock", stock, condition=BookStock.pk.does_not_exist())
    tx.update(
        "book",
        book,
        actions=[Book.in_stock.set(stock_quantity > 0), Book.in_stock_at.set(at), ONE_ITEM_STOCK.remove()],
        condition=stock_quantity == ONE_ITEM_STOCK,
    )  # PynamoDB adds `version = :read`: an admin edit meanwhile cancels it
    try:
        tx.commit(on_cancel=lambda failures: _Changed())
    except _Changed:
        return False
    return True


def sale_state_split(*, tenant_ids: list[str], on_progress: Callable[[int], None] | None = None) -> SaleStateSplit:
    """Give each book of these tenants that has none its stock item; idempotent, safe beside live traffic."""
    result = SaleStateSplit()
    for book, stock_quantity in _unsplit_books(set(tenant_ids)):
        if _split_one(book, stock_quantity):
            result.split += 1
        else:
            result.changed += 1
        if on_progress:
            on_progress(1)
    return result
