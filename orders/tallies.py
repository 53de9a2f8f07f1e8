"""A user's purchase tallies, moved inside the caller's transaction (checkout, cancel, payment).

Each function adds the actions that keep `PurchaseTally` equal to the sum of the user's
non-cancelled orders, so the summary is one Query and the cap on unpaid orders is one
condition, with no read of the history.
"""

from collections import defaultdict
from decimal import Decimal

from django.conf import settings

from bookstore.dynamodb.transactions import LabelledTransaction
from orders.models import Purchase, PurchaseTally

TOTAL_LABEL = "tally"


def _by_category(purchase: Purchase) -> dict[str, tuple[Decimal, int]]:
    spent: dict[str, Decimal] = defaultdict(Decimal)
    copies: dict[str, int] = defaultdict(int)
    for item in purchase.items:
        spent[item.category] += item.subtotal
        copies[item.category] += int(item.quantity)
    return {category: (spent[category], copies[category]) for category in spent}


def _move(tx: LabelledTransaction, purchase: Purchase, *, sign: int, total_actions: list, condition=None) -> None:
    key = PurchaseTally.key(purchase.tenant_id, purchase.user_id)
    total = PurchaseTally(key, PurchaseTally.sort_key(PurchaseTally.TOTAL))
    actions = [PurchaseTally.amount.add(sign * purchase.total_amount), PurchaseTally.count.add(sign), *total_actions]
    tx.update(TOTAL_LABEL, total, actions=actions, condition=condition)
    for category, (spent, copies) in _by_category(purchase).items():
        tally = PurchaseTally(key, PurchaseTally.category_sort_key(category))
        actions = [
            PurchaseTally.category.set(category),
            PurchaseTally.amount.add(sign * spent),
            PurchaseTally.count.add(sign * copies),
        ]
        tx.update(f"tally:{category}", tally, actions=actions)


def tally_placed(tx: LabelledTransaction, purchase: Purchase, *, pending: bool) -> None:
    """Count a new order; an unpaid one only while the user has fewer than MAX_PENDING_ORDERS_PER_USER.

    When the cap is reached, the `tally` action's condition fails.
    """
    actions = [PurchaseTally.last_purchase_at.set(purchase.created_at)]
    condition = None
    if pending:
        actions.append(PurchaseTally.pending_count.add(1))
        limit = settings.MAX_PENDING_ORDERS_PER_USER
        condition = PurchaseTally.pending_count.does_not_exist() | (PurchaseTally.pending_count < limit)
    _move(tx, purchase, sign=1, total_actions=actions, condition=condition)


def tally_cancelled(tx: LabelledTransaction, purchase: Purchase, *, was_pending: bool) -> None:
    """Take a cancelled order out of the totals (and out of the open unpaid orders)."""
    actions = [PurchaseTally.pending_count.add(-1)] if was_pending else []
    _move(tx, purchase, sign=-1, total_actions=actions)


def tally_paid(tx: LabelledTransaction, purchase: Purchase) -> None:
    """An unpaid order was paid: it no longer counts towards the cap."""
    total = PurchaseTally(
        PurchaseTally.key(purchase.tenant_id, purchase.user_id), PurchaseTally.sort_key(PurchaseTally.TOTAL)
    )
    tx.update(TOTAL_LABEL, total, actions=[PurchaseTally.pending_count.add(-1)])
