"""The sales and co-purchase counters, moved exactly once per purchase event by the purchases stream.

`sales_count_event` is called with a purchase's lines when it is placed (sign +1) or
cancelled (sign -1). It ADDs each book's units and each ordered pair's co-purchase count
in TransactWriteItems that also put a `SalesMarker` with `attribute_not_exists`: when a
record is delivered again, the marker cancels the transaction and nothing moves twice.
A purchase of N distinct books makes N sales updates and P*(P-1) pair updates, where P is
at most CO_PURCHASE_MAX_LINES: the pairs are counted among the lines of highest quantity
only (`co_purchase_books`), so an order's cost grows linearly with its lines, not with their
square. The updates are cut into deterministic chunks of at most 99 actions, each guarded by
its own marker, so a chunk that committed before a failure is not counted again on the retry.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from pynamodb.expressions.update import Action
from pynamodb.models import Model

from bookstore.dynamodb.clock import now
from bookstore.dynamodb.transactions import LabelledTransaction, failed_condition
from catalog import keys
from catalog.models import BookSales, CoPurchase, SalesMarker

ACTIONS_PER_TRANSACTION = 99  # plus the marker: DynamoDB's limit is 100
# Co-purchase pairs are counted among at most this many lines of an order: at most 90 pair
# writes, whatever the cart. A book's top partners come from the many small orders; the pairs
# a large order adds beyond its top lines are a sliver of them (docs/architecture/scaling.md).
CO_PURCHASE_MAX_LINES = 10


@dataclass(frozen=True)
class SaleLine:
    """A book in a purchase: how many copies, and its category at checkout."""

    book_id: str
    category: str
    quantity: int


def _sales_update(tenant_id: str, line: SaleLine, sign: int) -> tuple[str, BookSales, list[Action]]:
    item = BookSales(f"{tenant_id}#{line.book_id}", BookSales.SORT_KEY)
    actions = [
        BookSales.units_sold.add(sign * line.quantity),
        BookSales.tenant_id.set(tenant_id),
        BookSales.book_id.set(line.book_id),
        BookSales.category.set(line.category),
        BookSales.bestseller_key.set(keys.bestsellers_key(tenant_id)),
        BookSales.category_bestseller_key.set(keys.category_bestsellers_key(tenant_id, line.category)),
    ]
    return f"sales:{line.book_id}", item, actions


def _pair_update(tenant_id: str, book_id: str, partner_id: str, sign: int) -> tuple[str, CoPurchase, list[Action]]:
    return (
        f"pair:{book_id}:{partner_id}",
        CoPurchase(f"{tenant_id}#{book_id}", partner_id),
        [CoPurchase.times.add(sign)],
    )


def co_purchase_books(lines: list[SaleLine]) -> list[str]:
    """The books whose pairs an order counts: its CO_PURCHASE_MAX_LINES lines of highest quantity.

    Ties go to the smaller book_id, so a purchase and its cancellation choose the same books.
    `lines` holds one line per book (merged); the result is sorted by book_id.
    """
    chosen = sorted(lines, key=lambda line: (-line.quantity, line.book_id))[:CO_PURCHASE_MAX_LINES]
    return sorted(line.book_id for line in chosen)


def sales_count_event(*, tenant_id: str, purchase_id: str, event_type: str, lines: list[SaleLine], sign: int) -> int:
    """Count one purchase event once; return how many chunks were applied now (0: all were counted before)."""
    merged: dict[str, SaleLine] = {}
    for line in lines:
        held = merged.get(line.book_id)
        quantity = line.quantity + (held.quantity if held else 0)
        merged[line.book_id] = SaleLine(book_id=line.book_id, category=line.category, quantity=quantity)
    book_ids = sorted(merged)
    updates = [_sales_update(tenant_id, merged[b], sign) for b in book_ids]
    paired = co_purchase_books(list(merged.values()))
    updates += [_pair_update(tenant_id, a, b, sign) for a in paired for b in paired if a != b]
    expires_at = now() + timedelta(days=settings.SALES_MARKER_TTL_DAYS)
    applied = 0
    for chunk, start in enumerate(range(0, len(updates), ACTIONS_PER_TRANSACTION)):
        marker = SalesMarker(f"{tenant_id}#{purchase_id}#{event_type}#{chunk}", expires_at=expires_at)
        applied += _apply_chunk(marker, updates[start : start + ACTIONS_PER_TRANSACTION])
    return applied


class _AlreadyCounted(Exception):
    """The chunk's marker exists: a redelivered record."""


def _apply_chunk(marker: SalesMarker, updates: list[tuple[str, Model, list[Action]]]) -> bool:
    """Commit a chunk with its marker; False if the marker shows it was counted before."""
    tx = LabelledTransaction()
    tx.put("marker", marker, condition=SalesMarker.key.does_not_exist())
    for label, item, actions in updates:
        tx.update(label, item, actions=actions)
    try:
        tx.commit(on_cancel=lambda failures: _AlreadyCounted() if failed_condition(failures, "marker") else None)
    except _AlreadyCounted:
        return False
    return True


def sales_counter_set(*, tenant_id: str, book_id: str, category: str | None, units: int, seen: int | None) -> bool:
    """Set a book's units sold to `units` if it still holds `seen` (None: absent); False if it moved meanwhile.

    The repair of the counters (`orders.sales_recount`): a count a stream handler moves
    while the repair reads is left for a re-run, never overwritten.
    """
    actions = [BookSales.units_sold.set(units), BookSales.tenant_id.set(tenant_id), BookSales.book_id.set(book_id)]
    if category is not None:
        actions += [
            BookSales.category.set(category),
            BookSales.bestseller_key.set(keys.bestsellers_key(tenant_id)),
            BookSales.category_bestseller_key.set(keys.category_bestsellers_key(tenant_id, category)),
        ]
    condition = BookSales.pk.does_not_exist() if seen is None else BookSales.units_sold == seen
    return _conditional_update(BookSales(f"{tenant_id}#{book_id}", BookSales.SORT_KEY), actions, condition)


def co_purchase_set(*, tenant_id: str, book_id: str, partner_id: str, times: int, seen: int | None) -> bool:
    """Set how many purchases held both books to `times` if it still holds `seen`; False if it moved meanwhile."""
    condition = CoPurchase.pk.does_not_exist() if seen is None else CoPurchase.times == seen
    item = CoPurchase(f"{tenant_id}#{book_id}", partner_id)
    return _conditional_update(item, [CoPurchase.times.set(times)], condition)


def _conditional_update(item: Model, actions: list[Action], condition) -> bool:
    from pynamodb.exceptions import UpdateError

    from bookstore.dynamodb.conditions import is_condition_failure

    try:
        item.update(actions=actions, condition=condition)
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True
