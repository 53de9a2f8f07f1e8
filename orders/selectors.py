"""Reads of carts and purchases: the priced cart, purchase history, the tenant's orders, summaries."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from bookstore.errors import ApplicationError
from bookstore.pagination import Page, query_page
from catalog.models import Book
from catalog.selectors import books_get_many
from orders.errors import OrdersError
from orders.models import CANCELLED, CartLine, Purchase

CENT = Decimal("0.01")


@dataclass(frozen=True)
class CartEntry:
    """A cart line with the book as it is now; `book` is None once the book is gone."""

    line: CartLine
    book: Book | None

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
        return (self.book.price * self.quantity).quantize(CENT) if self.available else Decimal("0.00")

    @property
    def available_stock(self) -> int:
        return int(self.book.stock_quantity) if self.available else 0

    @property
    def in_stock(self) -> bool:
        return self.available and self.available_stock >= self.quantity


@dataclass(frozen=True)
class Cart:
    entries: list[CartEntry]

    @property
    def total(self) -> Decimal:
        return sum((entry.subtotal for entry in self.entries), Decimal("0.00"))

    @property
    def item_count(self) -> int:
        return sum(entry.quantity for entry in self.entries if entry.available)


def cart_lines(*, tenant_id: str, user_id: str) -> list[CartLine]:
    """Every line of the user's cart, in one Query (a cart is bounded by CART_MAX_LINES)."""
    return list(CartLine.query(CartLine.key(tenant_id, user_id), consistent_read=True))


def cart_get(*, tenant_id: str, user_id: str) -> Cart:
    """The cart priced from current book data: one Query plus one BatchGetItem."""
    lines = cart_lines(tenant_id=tenant_id, user_id=user_id)
    books = books_get_many(tenant_id=tenant_id, book_ids=[line.book_id for line in lines])
    return Cart(entries=[CartEntry(line=line, book=books.get(line.book_id)) for line in lines])


def purchase_get(*, tenant_id: str, user_id: str, purchase_id: str) -> Purchase:
    """One of the user's own purchases; anyone else's is simply not found."""
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
    return query_page(
        Purchase.tenant_by_date,
        Purchase.tenant_key_for(tenant_id),
        range_key_condition=range_condition,
        scan_index_forward=False,
        filter_condition=(Purchase.status == status) if status else None,
        limit=limit,
        cursor=cursor,
        scope=f"tenant-purchases:{tenant_id}:{created_from}:{created_to}:{status or ''}",
    )


@dataclass(frozen=True)
class PurchaseSummary:
    total_spent: Decimal
    order_count: int
    average_order_value: Decimal
    top_categories: list[dict]
    last_purchase_at: datetime | None


def purchase_summary(*, tenant_id: str, user_id: str, top: int = 5) -> PurchaseSummary:
    """The user's own totals over every purchase that was not cancelled.

    Reads the user's whole history (Query pages of their partition): a shopper's history is
    small, and this keeps checkout free of a summary item to maintain.
    """
    purchases = list(Purchase.query(Purchase.key(tenant_id, user_id), filter_condition=Purchase.status != CANCELLED))
    total = sum((p.total_amount for p in purchases), Decimal("0.00"))
    spent_by_category: dict[str, Decimal] = defaultdict(Decimal)
    copies_by_category: dict[str, int] = defaultdict(int)
    for purchase in purchases:
        for item in purchase.items:
            spent_by_category[item.category] += item.subtotal
            copies_by_category[item.category] += int(item.quantity)
    ranked = sorted(spent_by_category.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return PurchaseSummary(
        total_spent=total,
        order_count=len(purchases),
        average_order_value=(total / len(purchases)).quantize(CENT) if purchases else Decimal("0.00"),
        top_categories=[
            {"category": category, "amount": amount, "quantity": copies_by_category[category]}
            for category, amount in ranked
        ],
        last_purchase_at=max((p.created_at for p in purchases), default=None),
    )
