"""The cart header's moves, made inside the caller's transaction: the caps DynamoDB checks at commit.

Every write that adds, removes or reprices cart lines moves the header (CartHeader) in the
same TransactWriteItems as the lines, so both caps are conditions on one item, never a
check on a read that a concurrent request can overtake:

- a new line is written only while `line_count < CART_MAX_LINES`;
- a line's `priced_amount` (its quantity times the price it was set at) grows only while
  `priced_total + growth <= MAX_ORDER_TOTAL`.

So the conditioned invariant of the total is: the sum over the cart's lines of quantity times
the price each line was last set at never exceeds MAX_ORDER_TOTAL. The cart's total at
current prices can drift from it when prices change; checkout charges current prices and
checks them again, in a transaction conditioned on each of those prices.

A cart without a header (an empty cart, or lines from a snapshot or an import that holds no
header) is counted from its lines as read, and the header is created on condition that it
still does not exist. Every line write moves the header, so of two writers that both found
none, one creates it and the other is cancelled and reads again; the count can never be taken
from lines that changed meanwhile.
"""

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from bookstore.dynamodb.clock import now
from bookstore.dynamodb.transactions import Failures, LabelledTransaction, failed_condition
from bookstore.errors import ApplicationError
from bookstore.money import ZERO, to_cents
from orders.errors import OrdersError
from orders.models import CartHeader, CartLine
from orders.selectors import CartItems

HEADER_LABEL = "cart"


def cart_full() -> ApplicationError:
    return ApplicationError(
        OrdersError.CART_FULL, _("A cart holds at most %(max)s different books.") % {"max": settings.CART_MAX_LINES}
    )


def order_total_too_large(total: Decimal) -> ApplicationError:
    message = _("An order may total at most %(max)s.") % {"max": settings.MAX_ORDER_TOTAL}
    return ApplicationError(OrdersError.ORDER_TOTAL_TOO_LARGE, message, details={"total": str(total)})


def priced_amount(line: CartLine) -> Decimal:
    """What a line adds to the header's total (0 for a line stored without a priced amount)."""
    return line.priced_amount if line.priced_amount is not None else ZERO


def line_as_read(line: CartLine):
    """The condition that a line is still as it was read: same quantity, same priced amount."""
    same_amount = (
        CartLine.priced_amount.does_not_exist()
        if line.priced_amount is None
        else CartLine.priced_amount == line.priced_amount
    )
    return (CartLine.quantity == line.quantity) & same_amount


def move_header(
    tx: LabelledTransaction, *, tenant_id: str, user_id: str, items: CartItems, lines: int, amount: Decimal
) -> None:
    """Add `lines` lines and `amount` to the cart's header, within the caps if either grows.

    `items` is the cart as read. With a header, the move is relative and conditioned on the
    caps; without one, the header is created from the lines read, on condition that it is
    still absent (a cart over a cap by then is refused here, before anything is sent).
    """
    header = CartHeader(CartHeader.key(tenant_id, user_id), CartHeader.SORT_KEY)
    amount = to_cents(amount)
    if items.header is None:
        count = len(items.lines) + lines
        total = to_cents(sum((priced_amount(line) for line in items.lines), ZERO) + amount)
        if lines > 0 and count > settings.CART_MAX_LINES:
            raise cart_full()
        if amount > 0 and total > settings.MAX_ORDER_TOTAL:
            raise order_total_too_large(total)
        actions = [CartHeader.line_count.set(count), CartHeader.priced_total.set(total)]
        condition = CartHeader.pk.does_not_exist()
    else:
        actions = [CartHeader.line_count.add(lines), CartHeader.priced_total.add(amount)]
        condition = CartHeader.pk.exists()
        if lines > 0:
            condition &= CartHeader.line_count <= settings.CART_MAX_LINES - lines
        if amount > 0:
            condition &= CartHeader.priced_total <= settings.MAX_ORDER_TOTAL - amount
    actions.append(CartHeader.updated_at.set(now()))
    tx.update(HEADER_LABEL, header, actions=actions, condition=condition, return_values="ALL_OLD")


def header_refusal(failures: Failures, *, lines: int, amount: Decimal) -> ApplicationError | None:
    """The cap a cancelled header move ran into, from the header as it was; None if it moved meanwhile.

    None means the header was created, or the cart changed, between the read and the write:
    the caller reads the cart again and decides again.
    """
    reason = failed_condition(failures, HEADER_LABEL)
    if reason is None or not reason.raw_item:
        return None
    current = CartHeader.from_raw_data(reason.raw_item)
    if lines > 0 and int(current.line_count or 0) + lines > settings.CART_MAX_LINES:
        return cart_full()
    total = (current.priced_total or ZERO) + to_cents(amount)
    if amount > 0 and total > settings.MAX_ORDER_TOTAL:
        return order_total_too_large(total)
    return None
