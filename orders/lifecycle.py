"""What happens to an order after checkout: payment, cancellation by its policy, and expiry.

The policy:
- a customer may cancel an unpaid (pending) order at any time, and a paid (completed) one
  within CANCEL_WINDOW_MINUTES of checkout;
- an admin may cancel any order of the tenant;
- an unpaid order expires after PENDING_ORDER_HOURS (`expire_pending_orders`).
Cancelling restocks every item and takes the order out of the user's tallies, in one
transaction; cancelling a paid order records `refund_due` for the admins. Every change is
conditioned on the status it was decided from, so racing changes cannot both apply.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from bookstore import metrics
from bookstore.dynamodb.clock import now
from bookstore.dynamodb.transactions import Failures, LabelledTransaction, failed_condition
from bookstore.errors import ApplicationError
from catalog.stock import restock
from orders.errors import OrdersError
from orders.models import CANCELLED, COMPLETED, PENDING, Purchase
from orders.selectors import pending_purchases_before, purchase_get
from orders.tallies import tally_cancelled, tally_paid

STATUS_CHANGE_ATTEMPTS = 3


class Actor(StrEnum):
    """Who asks for a change: the order's customer, a tenant admin, or the expiry job."""

    CUSTOMER = "customer"
    ADMIN = "admin"
    SYSTEM = "system"


class _StatusChanged(Exception):
    """The order's status changed between the read and the write: decide again."""


def _status_changed(failures: Failures) -> Exception | None:
    return _StatusChanged() if failed_condition(failures, "purchase") else None


def _with_retries(change: Callable[[Purchase], Purchase | None], *, tenant_id: str, user_id: str, purchase_id: str):
    """Read the order, apply `change`, and read again if a concurrent change won the race."""
    for _attempt in range(STATUS_CHANGE_ATTEMPTS):
        purchase = purchase_get(tenant_id=tenant_id, user_id=user_id, purchase_id=purchase_id)
        try:
            change(purchase)
        except _StatusChanged:
            continue
        return purchase_get(tenant_id=tenant_id, user_id=user_id, purchase_id=purchase_id)
    raise ApplicationError(OrdersError.CART_CHANGED, _("The order changed while it was being updated. Retry."))


def _cancel_allowed(purchase: Purchase, actor: Actor) -> None:
    window = timedelta(minutes=settings.CANCEL_WINDOW_MINUTES)
    if actor is Actor.CUSTOMER and purchase.status == COMPLETED and now() - purchase.created_at > window:
        raise ApplicationError(OrdersError.CANCEL_WINDOW_CLOSED)
    if actor is Actor.SYSTEM and purchase.status != PENDING:
        raise ApplicationError(OrdersError.NOT_PENDING)


def _cancel(purchase: Purchase, actor: Actor) -> None:
    if purchase.status == CANCELLED:
        return  # cancelling twice changes nothing
    _cancel_allowed(purchase, actor)
    cancelled_at = now()
    actions = [
        Purchase.status.set(CANCELLED),
        Purchase.cancelled_at.set(cancelled_at),
        Purchase.cancelled_by.set(actor.value),
        Purchase.updated_at.set(cancelled_at),
        Purchase.pending_key.remove(),
    ]
    if purchase.status == COMPLETED:
        actions.append(Purchase.refund_due.set(purchase.total_amount))
    tx = LabelledTransaction()
    tx.update("purchase", purchase, actions=actions, condition=Purchase.status == purchase.status)
    copies = Counter()
    for item in purchase.items:
        copies[item.book_id] += int(item.quantity)
    for book_id, quantity in copies.items():
        restock(tx, tenant_id=purchase.tenant_id, book_id=book_id, quantity=quantity)
    tally_cancelled(tx, purchase, was_pending=purchase.status == PENDING)
    tx.commit(on_cancel=_status_changed)


def purchase_cancel(*, tenant_id: str, user_id: str, purchase_id: str, actor: Actor = Actor.CUSTOMER) -> Purchase:
    """Cancel an order as `actor` allows, restocking it atomically; cancelling twice changes nothing."""
    return _with_retries(
        lambda purchase: _cancel(purchase, actor), tenant_id=tenant_id, user_id=user_id, purchase_id=purchase_id
    )


def _mark_paid(purchase: Purchase) -> None:
    if purchase.status != PENDING:
        raise ApplicationError(OrdersError.NOT_PENDING)
    paid_at = now()
    tx = LabelledTransaction()
    tx.update(
        "purchase",
        purchase,
        actions=[
            Purchase.status.set(COMPLETED),
            Purchase.paid_at.set(paid_at),
            Purchase.updated_at.set(paid_at),
            Purchase.pending_key.remove(),
        ],
        condition=Purchase.status == PENDING,
    )
    tally_paid(tx, purchase)
    tx.commit(on_cancel=_status_changed)


def purchase_mark_paid(*, tenant_id: str, user_id: str, purchase_id: str) -> Purchase:
    """An admin records the payment of an unpaid order: it becomes `completed`."""
    return _with_retries(_mark_paid, tenant_id=tenant_id, user_id=user_id, purchase_id=purchase_id)


@dataclass(frozen=True)
class ExpiryResult:
    expired: int
    skipped: int
    complete: bool = True  # False: `should_stop` ended it before the last pending order


def pending_orders_expire(
    *,
    tenant_id: str,
    on_progress: Callable[[int], None] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> ExpiryResult:
    """Cancel the tenant's unpaid orders older than PENDING_ORDER_HOURS, through the same cancel.

    Reads the sparse pending index only. An order paid or cancelled meanwhile is skipped;
    running it twice changes nothing more. `should_stop` is asked before each order (a time
    budget): what is left stays in the index for the next run.
    """
    cutoff = now() - timedelta(hours=settings.PENDING_ORDER_HOURS)
    expired = skipped = 0
    for pending in pending_purchases_before(tenant_id=tenant_id, before=cutoff):
        if should_stop():
            return ExpiryResult(expired=expired, skipped=skipped, complete=False)
        try:
            purchase_cancel(
                tenant_id=tenant_id, user_id=pending.user_id, purchase_id=pending.purchase_id, actor=Actor.SYSTEM
            )
            expired += 1
        except ApplicationError:
            skipped += 1
        if on_progress:
            on_progress(1)
    metrics.emit(metrics.PENDING_ORDERS_EXPIRED, expired, tenant=tenant_id)
    return ExpiryResult(expired=expired, skipped=skipped)
