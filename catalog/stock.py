"""Stock movements that run inside a caller's transaction (checkout reserves, cancel restocks).

Both bump the book's `version`, so an admin edit based on a read from before the movement
fails its optimistic lock instead of overwriting the new stock level. Neither is
conditioned on the version itself: concurrent checkouts of one book must not fail each
other when there is stock for both. Each action is labelled `stock:{book_id}`, so the
caller can tell which book a cancellation reason belongs to.
"""

from bookstore.dynamodb.clock import now
from bookstore.dynamodb.transactions import LabelledTransaction
from catalog.models import Book


def stock_label(book_id: str) -> str:
    """The label of a book's stock movement in a LabelledTransaction."""
    return f"stock:{book_id}"


def reserve_stock(tx: LabelledTransaction, *, book: Book, quantity: int) -> None:
    """Take `quantity` copies, if they are there, the book is active, and its price is still the one charged.

    On failure the cancellation reason carries the book as it is (ALL_OLD).
    """
    tx.update(
        stock_label(book.book_id),
        book,
        actions=[Book.stock_quantity.add(-quantity)],
        condition=(Book.stock_quantity >= quantity) & (Book.is_active == True) & (Book.price == book.price),  # noqa: E712
        return_values="ALL_OLD",
        add_version_condition=False,
    )


def restock(tx: LabelledTransaction, *, tenant_id: str, book_id: str, quantity: int) -> None:
    """Put `quantity` copies back, whatever the book's state (a soft-deleted book keeps its stock)."""
    # A non-null version makes PynamoDB increment it; the version condition itself is dropped.
    book = Book(Book.key(tenant_id, book_id), Book.SORT_KEY, version=0)
    tx.update(
        stock_label(book_id),
        book,
        actions=[Book.stock_quantity.add(quantity), Book.updated_at.set(now())],
        condition=Book.pk.exists(),
        add_version_condition=False,
    )
