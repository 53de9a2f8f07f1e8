"""Reads of carts and purchases: the priced cart, purchase history, the tenant's orders, summaries."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from pynamodb.pagination import ResultIterator

from bookstore.errors import ApplicationError
from bookstore.ids import canonical_id
from bookstore.money import ZERO, average_amount, to_cents
from bookstore.pagination import Page, query_page
from catalog.models import Book, BookStock
from catalog.selectors import books_get_many_stocked
from orders.errors import OrdersError
from orders.models import PENDING, CartHeader, CartLine, Purchase, PurchaseTally


@dataclass(frozen=True)
class CartEntry:
    """A cart line with the book and its stock as they are now; `book` is None once the book is gone."""

    line: CartLine
    book: Book | None
    stock: BookStock | None = None

    @property
    def book_id(self) -> str:
        return self.line.book_id

    @property
    def quantity(self) -> int:
        return int(self.line.quantity)

    @property
    def available(self) -> bool:
        return self.book is not None and self.book.is_active

    @property
    def unit_price(self) -> Decimal | None:
        return self.book.price if self.available else None

    @property
    def subtotal(self) -> Decimal:
        return to_cents(self.book.price * self.quantity) if self.available else ZERO

    @property
    def available_stock(self) -> int:
        return int(self.stock.stock_quantity) if self.available and self.stock is not None else 0

    @property
    def in_stock(self) -> bool:
        return self.available and self.available_stock >= self.quantity


@dataclass(frozen=True)
class CartItems:
    """What one Query of a cart's partition holds: the header (None if the cart has none) and the lines."""

    header: CartHeader | None
    lines: list[CartLine]

    @property
    def line_count(self) -> int:
        """The lines the cart holds: the header's count, or the lines read when it has no header."""
        return int(self.header.line_count or 0) if self.header is not None else len(self.lines)


@dataclass(frozen=True)
class Cart:
    entries: list[CartEntry]
    header: CartHeader | None = None

    @property
    def total(self) -> Decimal:
        return sum((entry.subtotal for entry in self.entries), ZERO)

    @property
    def item_count(self) -> int:
        return sum(entry.quantity for entry in self.entries if entry.available)

    @property
    def items(self) -> CartItems:
        return CartItems(header=self.header, lines=[entry.line for entry in self.entries])

    def with_entry(self, entry: CartEntry) -> "Cart":
        """The cart with `entry` replacing the line of the same book, or added after the others."""
        if any(e.book_id == entry.book_id for e in self.entries):
            return Cart(entries=[entry if e.book_id == entry.book_id else e for e in self.entries], header=self.header)
        return Cart(entries=[*self.entries, entry], header=self.header)


def _cart_item(data: dict) -> CartHeader | CartLine:
    """A raw item of the cart's partition as the model its sort key names."""
    return (CartHeader if data["sk"]["S"] == CartHeader.SORT_KEY else CartLine).from_raw_data(data)


def cart_items(*, tenant_id: str, user_id: str) -> CartItems:
    """The cart's header and lines, in one strongly consistent Query (a cart is bounded by CART_MAX_LINES)."""
    query = CartLine._get_connection().query
    found = ResultIterator(query, (CartLine.key(tenant_id, user_id),), {"consistent_read": True}, map_fn=_cart_item)
    header, lines = None, []
    for item in found:
        if isinstance(item, CartHeader):
            header = item
        else:
            lines.append(item)
    return CartItems(header=header, lines=lines)


def cart_get(*, tenant_id: str, user_id: str) -> Cart:
    """The cart priced from current book data: one Query plus one BatchGetItem (the books and their stock items)."""
    items = cart_items(tenant_id=tenant_id, user_id=user_id)
    found = books_get_many_stocked(tenant_id=tenant_id, book_ids=[line.book_id for line in items.lines])
    entries = []
    for line in items.lines:
        stocked = found.get(line.book_id)
        book, stock = (stocked.book, stocked.stock) if stocked else (None, None)
        entries.append(CartEntry(line=line, book=book, stock=stock))
    return Cart(entries=entries, header=items.header)


def purchase_get(*, tenant_id: str, user_id: str, purchase_id: str) -> Purchase:
    """One of the user's own purchases; anyone else's (or an id that is not one) is simply not found."""
    if (purchase_id := canonical_id(purchase_id)) is None or canonical_id(user_id) is None:
        raise ApplicationError(OrdersError.PURCHASE_NOT_FOUND)
    try:
        return Purchase.get(Purchase.key(tenant_id, user_id), Purchase.sort_key(purchase_id), consistent_read=True)
    except Purchase.DoesNotExist as exc:
        raise ApplicationError(OrdersError.PURCHASE_NOT_FOUND) from exc


def purchases_list(
    *, tenant_id: str, user_id: str, limit: int, cursor: str | None = None, status: str | None = None
) -> Page:
    """The user's purchases, newest first, optionally of one status (one Query per page)."""
    return query_page(
        Purchase.by_date,
        Purchase.key(tenant_id, user_id),
        scan_index_forward=False,
        filter_condition=(Purchase.status == status) if status else None,
        limit=limit,
        cursor=cursor,
        scope=f"purchases:{tenant_id}:{user_id}:{status or ''}",
    )


def tenant_purchases_list(
    *,
    tenant_id: str,
    limit: int,
    cursor: str | None = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
    status: str | None = None,
) -> Page:
    """Every purchase of the tenant, newest first, within an optional date range (admins)."""
    range_condition = None
    if created_from and created_to:
        range_condition = Purchase.created_at.between(created_from, created_to)
    elif created_from:
        range_condition = Purchase.created_at >= created_from
    elif created_to:
        range_condition = Purchase.created_at <= created_to
    # Unpaid orders have a sparse index of their own; other statuses filter the tenant's index.
    by_pending = status == PENDING
    return query_page(
        Purchase.pending_by_date if by_pending else Purchase.tenant_by_date,
        Purchase.pending_key_for(tenant_id) if by_pending else Purchase.tenant_key_for(tenant_id),
        range_key_condition=range_condition,
        scan_index_forward=False,
        filter_condition=(Purchase.status == status) if status and not by_pending else None,
        limit=limit,
        cursor=cursor,
        scope=f"tenant-purchases:{tenant_id}:{created_from}:{created_to}:{status or ''}",
    )


def pending_purchases_before(*, tenant_id: str, before: datetime) -> Iterator[Purchase]:
    """The tenant's unpaid orders placed before `before`, oldest first, from the sparse pending index."""
    return Purchase.pending_by_date.query(
        Purchase.pending_key_for(tenant_id), range_key_condition=Purchase.created_at < before
    )


@dataclass(frozen=True)
class PurchaseSummary:
    total_spent: Decimal
    order_count: int
    average_order_value: Decimal
    top_categories: list[dict]
    last_purchase_at: datetime | None


def purchase_summary(*, tenant_id: str, user_id: str, top: int = 5) -> PurchaseSummary:
    """The user's own totals over every purchase that was not cancelled: one Query of their tallies."""
    total, categories = None, []
    for tally in PurchaseTally.query(PurchaseTally.key(tenant_id, user_id), consistent_read=True):
        if tally.sk == PurchaseTally.sort_key(PurchaseTally.TOTAL):
            total = tally
        elif tally.count:
            categories.append(tally)
    spent = total.amount if total and total.amount is not None else ZERO
    orders = int(total.count or 0) if total else 0
    ranked = sorted(categories, key=lambda tally: (-tally.amount, tally.category))[:top]
    return PurchaseSummary(
        total_spent=spent,
        order_count=orders,
        average_order_value=average_amount(spent, orders),
        top_categories=[{"category": t.category, "amount": t.amount, "quantity": int(t.count)} for t in ranked],
        last_purchase_at=total.last_purchase_at if total and orders else None,
    )
