"""Writes of the orders app: cart changes and the atomic, idempotent checkout (lifecycle.py does the rest)."""

import hashlib
import json
import uuid
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import TypeVar

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from bookstore import metrics
from bookstore.dynamodb.clock import now
from bookstore.dynamodb.transactions import Failures, LabelledTransaction, failed_condition
from bookstore.errors import ApplicationError
from bookstore.ids import canonical_id
from bookstore.money import ZERO, to_cents
from catalog.models import BookStock
from catalog.selectors import StockedBook, book_get_stocked
from catalog.stock import reserve_stock, stock_label
from orders.cart_header import (
    cart_full,
    header_refusal,
    line_as_read,
    move_header,
    order_total_too_large,
    priced_amount,
)
from orders.errors import OrdersError
from orders.models import (
    COMPLETED,
    MAX_QUANTITY,
    PENDING,
    SETTLED_AT_CHECKOUT,
    CartLine,
    IdempotencyRecord,
    Purchase,
    PurchaseItem,
    ShippingAddress,
)
from orders.selectors import Cart, CartEntry, cart_get, cart_items, purchase_get
from orders.tallies import TOTAL_LABEL, tally_placed

CART_WRITE_ATTEMPTS = 3
T = TypeVar("T")


def _insufficient_stock(shortages: list[dict]) -> ApplicationError:
    return ApplicationError(OrdersError.INSUFFICIENT_STOCK, details={"items": shortages})


def _shortage(title: str | None, stock: BookStock | None, book_id: str, requested: int) -> dict:
    """A line that cannot be had, with the copies that can (none once the book is withdrawn)."""
    available = int(stock.stock_quantity) if stock is not None and stock.is_active else 0
    return {"book_id": book_id, "title": title, "requested": requested, "available": available}


def _entry_shortage(entry: CartEntry) -> dict:
    stock = entry.stock if entry.available else None  # a book gone or withdrawn has nothing to sell
    return _shortage(entry.book.title if entry.book else None, stock, entry.book_id, entry.quantity)


def _stocked_shortage(stocked: StockedBook, requested: int) -> dict:
    return _shortage(stocked.book.title, stocked.stock, stocked.book.book_id, requested)


def _check_total(cart: Cart) -> None:
    """Refuse a cart whose total at current prices is above MAX_ORDER_TOTAL, before anything is written."""
    if cart.total > settings.MAX_ORDER_TOTAL:
        raise order_total_too_large(cart.total)


# --- Cart --------------------------------------------------------------------------------


class _CartMoved(Exception):
    """The cart changed between the read and the write: read it again and decide again."""


def _commit_cart_write(tx: LabelledTransaction, *, lines: int, amount: Decimal) -> None:
    """Send a cart write whose header move is (lines, amount); a cap it ran into is the caller's 400."""

    def explain(failures: Failures) -> Exception:
        return header_refusal(failures, lines=lines, amount=amount) or _CartMoved()

    tx.commit(on_cancel=explain)


def _with_cart_retries(write: Callable[[], T]) -> T:
    """Run `write` (read, decide, write) again while a concurrent change to the cart cancels it."""
    for _attempt in range(CART_WRITE_ATTEMPTS):
        try:
            return write()
        except _CartMoved:
            continue
    raise ApplicationError(OrdersError.CART_CHANGED)


def cart_add(*, tenant_id: str, user_id: str, book_id: str, quantity: int) -> Cart:
    """Add copies of a book, to its existing line if there is one.

    Reads the book with its stock and the priced cart with its header (BatchGetItem, Query,
    BatchGetItem), checks every limit on the cart as it would be, then writes the line and moves
    the header in one TransactWriteItems, whose conditions hold the caps under concurrency.
    """
    stocked = book_get_stocked(tenant_id=tenant_id, book_id=book_id)
    book = stocked.book

    def add() -> Cart:
        cart = cart_get(tenant_id=tenant_id, user_id=user_id)
        existing = next((entry.line for entry in cart.entries if entry.book_id == book.book_id), None)
        if existing is None and cart.items.line_count >= settings.CART_MAX_LINES:
            raise cart_full()
        wanted = (int(existing.quantity) if existing else 0) + quantity
        if wanted > MAX_QUANTITY:
            raise ApplicationError(
                OrdersError.QUANTITY_TOO_LARGE, details={"quantity": [_("At most %(max)s.") % {"max": MAX_QUANTITY}]}
            )
        if wanted > stocked.stock_quantity:
            raise _insufficient_stock([_stocked_shortage(stocked, wanted)])
        return _write_line(cart, stocked, wanted, held=existing, tenant_id=tenant_id, user_id=user_id)

    return _with_cart_retries(add)


def _write_line(
    cart: Cart, stocked: StockedBook, quantity: int, *, held: CartLine | None, tenant_id: str, user_id: str
) -> Cart:
    """Write a book's line with `quantity` copies, on condition it is still as read, and move the header."""
    book = stocked.book
    line = CartLine(
        CartLine.key(tenant_id, user_id),
        CartLine.sort_key(book.book_id),
        book_id=book.book_id,
        quantity=quantity,
        priced_amount=to_cents(book.price * quantity),
    )
    after = cart.with_entry(CartEntry(line=line, book=book, stock=stocked.stock))
    _check_total(after)
    tx = LabelledTransaction()
    if held is None:
        line.created_at = now()
        tx.put("line", line, condition=CartLine.pk.does_not_exist())
    else:
        actions = [
            CartLine.quantity.set(quantity),
            CartLine.priced_amount.set(line.priced_amount),
            CartLine.updated_at.set(now()),
        ]
        tx.update("line", held, actions=actions, condition=line_as_read(held))
    lines = 0 if held else 1
    amount = line.priced_amount - (priced_amount(held) if held else ZERO)
    move_header(tx, tenant_id=tenant_id, user_id=user_id, items=cart.items, lines=lines, amount=amount)
    _commit_cart_write(tx, lines=lines, amount=amount)
    return after


def cart_set_quantity(*, tenant_id: str, user_id: str, book_id: str, quantity: int) -> Cart:
    """Set a line's quantity; 0 removes the line, even one whose book is no longer sold."""
    if (book_id := canonical_id(book_id)) is None:
        raise ApplicationError(OrdersError.CART_ITEM_NOT_FOUND)
    if quantity == 0:
        if not _remove_line(tenant_id=tenant_id, user_id=user_id, book_id=book_id):
            raise ApplicationError(OrdersError.CART_ITEM_NOT_FOUND)
        return cart_get(tenant_id=tenant_id, user_id=user_id)
    stocked = book_get_stocked(tenant_id=tenant_id, book_id=book_id)
    if quantity > stocked.stock_quantity:
        raise _insufficient_stock([_stocked_shortage(stocked, quantity)])

    def set_quantity() -> Cart:
        cart = cart_get(tenant_id=tenant_id, user_id=user_id)
        held = next((entry.line for entry in cart.entries if entry.book_id == book_id), None)
        if held is None:
            raise ApplicationError(OrdersError.CART_ITEM_NOT_FOUND)
        return _write_line(cart, stocked, quantity, held=held, tenant_id=tenant_id, user_id=user_id)

    return _with_cart_retries(set_quantity)


def _remove_line(*, tenant_id: str, user_id: str, book_id: str) -> bool:
    """Delete a book's line and take it out of the header; False if the cart has no such line."""

    def remove() -> bool:
        items = cart_items(tenant_id=tenant_id, user_id=user_id)
        held = next((line for line in items.lines if line.book_id == book_id), None)
        if held is None:
            return False
        tx = LabelledTransaction()
        tx.delete("line", held, condition=line_as_read(held))
        move_header(tx, tenant_id=tenant_id, user_id=user_id, items=items, lines=-1, amount=-priced_amount(held))
        _commit_cart_write(tx, lines=-1, amount=-priced_amount(held))
        return True

    return _with_cart_retries(remove)


def cart_remove(*, tenant_id: str, user_id: str, book_id: str) -> None:
    """Remove a line (one Query, one TransactWriteItems); a line not there, or an id that is not one, is no error."""
    if (book_id := canonical_id(book_id)) is not None:
        _remove_line(tenant_id=tenant_id, user_id=user_id, book_id=book_id)


def cart_clear(*, tenant_id: str, user_id: str) -> None:
    """Empty the cart: one Query and one TransactWriteItems that deletes the lines read and moves the header."""

    def clear() -> None:
        items = cart_items(tenant_id=tenant_id, user_id=user_id)
        if not items.lines:
            return
        tx = LabelledTransaction()
        for line in items.lines:
            tx.delete(f"line:{line.book_id}", line, condition=line_as_read(line))
        amount = -sum((priced_amount(line) for line in items.lines), ZERO)
        move_header(tx, tenant_id=tenant_id, user_id=user_id, items=items, lines=-len(items.lines), amount=amount)
        _commit_cart_write(tx, lines=-len(items.lines), amount=amount)

    _with_cart_retries(clear)


# --- Checkout ----------------------------------------------------------------------------


def request_fingerprint(body: dict) -> str:
    """A stable hash of a checkout request, to tell a retry from another request under one key."""
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def _replay(*, tenant_id: str, user_id: str, idempotency_key: str, fingerprint: str) -> Purchase | None:
    """The purchase an earlier request with this key placed, if any (a strongly consistent read)."""
    try:
        record = IdempotencyRecord.get(
            IdempotencyRecord.key_for(tenant_id, user_id, idempotency_key), consistent_read=True
        )
    except IdempotencyRecord.DoesNotExist:
        return None
    if record.request_hash != fingerprint:
        raise ApplicationError(OrdersError.IDEMPOTENCY_KEY_REUSED)
    return purchase_get(tenant_id=tenant_id, user_id=user_id, purchase_id=record.purchase_id)


def checkout(
    *,
    tenant_id: str,
    user_id: str,
    idempotency_key: str,
    payment_method: str,
    shipping_address: dict,
) -> tuple[Purchase, bool]:
    """Turn the cart into a purchase, atomically and at most once per Idempotency-Key.

    Returns the purchase and whether it was placed now (False: a replay of an earlier
    request). At most three reads (the key, the cart, its books with their stock items, in
    one BatchGetItem) and one TransactWriteItems that takes the copies from the stock items
    (never writing the books themselves), puts the purchase, empties the cart and moves its
    header, records the key and moves the user's tallies: either all of it happens or none of
    it does. With CART_MAX_LINES lines that is at most 3 * lines + 4 actions, within DynamoDB's 100.
    """
    fingerprint = request_fingerprint({"payment_method": payment_method, "shipping_address": shipping_address})
    replay_args = {
        "tenant_id": tenant_id,
        "user_id": user_id,
        "idempotency_key": idempotency_key,
        "fingerprint": fingerprint,
    }
    if (earlier := _replay(**replay_args)) is not None:
        return earlier, False
    try:
        purchase = _place_order(
            tenant_id=tenant_id,
            user_id=user_id,
            idempotency_key=idempotency_key,
            fingerprint=fingerprint,
            payment_method=payment_method,
            shipping_address=shipping_address,
        )
    except ApplicationError as refusal:
        # A concurrent request with the same key may have won (and emptied the cart meanwhile).
        if (earlier := _replay(**replay_args)) is not None:
            return earlier, False
        metrics.emit(metrics.CHECKOUTS_REFUSED, dimensions={"Reason": refusal.code.value}, tenant=tenant_id)
        raise
    metrics.emit(metrics.ORDERS_PLACED, tenant=tenant_id, purchase_id=purchase.purchase_id)
    return purchase, True


def _place_order(
    *,
    tenant_id: str,
    user_id: str,
    idempotency_key: str,
    fingerprint: str,
    payment_method: str,
    shipping_address: dict,
) -> Purchase:
    cart = cart_get(tenant_id=tenant_id, user_id=user_id)
    if not cart.entries:
        raise ApplicationError(OrdersError.CART_EMPTY)
    if len(cart.entries) > settings.CART_MAX_LINES:
        raise cart_full()
    shortages = [_entry_shortage(e) for e in cart.entries if not e.in_stock]
    if shortages:
        raise _insufficient_stock(shortages)
    _check_total(cart)

    created_at = now()
    purchase_id = str(uuid.uuid4())
    pending = payment_method not in SETTLED_AT_CHECKOUT
    items = [
        PurchaseItem(
            book_id=e.book_id,
            title=e.book.title,
            category=e.book.category,
            author=e.book.author,
            quantity=e.quantity,
            unit_price=e.unit_price,
            subtotal=e.subtotal,
        )
        for e in cart.entries
    ]
    purchase = Purchase(
        Purchase.key(tenant_id, user_id),
        Purchase.sort_key(purchase_id),
        tenant_key=Purchase.tenant_key_for(tenant_id),
        tenant_id=tenant_id,
        user_id=user_id,
        purchase_id=purchase_id,
        items=items,
        total_amount=to_cents(cart.total),
        status=PENDING if pending else COMPLETED,
        pending_key=Purchase.pending_key_for(tenant_id) if pending else None,
        paid_at=None if pending else created_at,
        payment_method=payment_method,
        shipping_address=ShippingAddress(**shipping_address),
        created_at=created_at,
    )
    record = IdempotencyRecord(
        IdempotencyRecord.key_for(tenant_id, user_id, idempotency_key),
        request_hash=fingerprint,
        purchase_id=purchase_id,
        expires_at=created_at + timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS),
    )
    tx = LabelledTransaction()
    for entry in cart.entries:
        reserve_stock(tx, stock=entry.stock, quantity=entry.quantity, price=entry.unit_price)
        tx.delete(f"line:{entry.book_id}", entry.line, condition=line_as_read(entry.line))
    emptied = -sum((priced_amount(entry.line) for entry in cart.entries), ZERO)
    move_header(tx, tenant_id=tenant_id, user_id=user_id, items=cart.items, lines=-len(cart.entries), amount=emptied)
    tx.put("purchase", purchase, condition=Purchase.pk.does_not_exist())
    tx.put("idempotency", record, condition=IdempotencyRecord.key.does_not_exist())
    tally_placed(tx, purchase, pending=pending)
    tx.commit(on_cancel=lambda failures: _checkout_failure(failures, cart))
    return purchase


def _checkout_failure(failures: Failures, cart: Cart) -> ApplicationError:
    """Explain a cancelled checkout by the labels of the actions that failed.

    A failed stock condition (on the book's stock item, which mirrors its price and
    is_active) names a book that is short, withdrawn, or repriced; a failed
    tally condition is the cap on unpaid orders; anything else (a cart line or header changed, the
    key taken by a concurrent request) is `cart_changed`.
    """
    shortages = []
    for entry in cart.entries:
        reason = failed_condition(failures, stock_label(entry.book_id))
        if reason is None:
            continue
        current = BookStock.from_raw_data(reason.raw_item) if reason.raw_item else None
        if current is None or not current.is_active or current.stock_quantity < entry.quantity:
            shortages.append(_shortage(entry.book.title, current, entry.book_id, entry.quantity))
    if shortages:
        return _insufficient_stock(shortages)
    if failed_condition(failures, TOTAL_LABEL):
        limit = settings.MAX_PENDING_ORDERS_PER_USER
        message = _("You already have %(limit)s unpaid orders. Pay or cancel one before placing another.") % {
            "limit": limit
        }
        return ApplicationError(OrdersError.TOO_MANY_PENDING_ORDERS, message)
    return ApplicationError(OrdersError.CART_CHANGED)
