"""The sales signals recommendations read: the tenant's best-sellers and "bought together" partners.

This is the one seam onto sales figures. The streams issue keeps all-time counters
(`BookSales`, `CoPurchase`); until they are on this branch's base, both signals come from
the tenant's most recent purchases: one Query on the purchases table's `tenant-index`,
newest first, at most RECENT_PURCHASES items, cancelled ones left out. That is a bounded
cost whatever the history size, and the figures are "recent" rather than all-time. Swapping
to the counters changes this module only.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from orders.models import CANCELLED, Purchase

RECENT_PURCHASES = 200


@dataclass(frozen=True)
class SalesSignals:
    """Best-sellers (most units first) and, per book, the books bought with it (most purchases first)."""

    bestsellers: list[str] = field(default_factory=list)
    partners: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


def sales_signals(*, tenant_id: str, book_ids: set[str], limit: int) -> SalesSignals:
    """Best-sellers, and the partners of `book_ids`, from the tenant's recent purchases: one Query."""
    units: Counter[str] = Counter()
    together: dict[str, Counter[str]] = defaultdict(Counter)
    purchases = Purchase.tenant_by_date.query(
        Purchase.tenant_key_for(tenant_id), scan_index_forward=False, limit=RECENT_PURCHASES
    )
    for purchase in purchases:
        if purchase.status == CANCELLED:
            continue
        bought = {item.book_id for item in purchase.items}
        for item in purchase.items:
            units[item.book_id] += int(item.quantity)
        for book_id in bought & book_ids:
            together[book_id].update(bought - {book_id})
    return SalesSignals(
        bestsellers=[book_id for book_id, _ in units.most_common(limit)],
        partners={book_id: counts.most_common(limit) for book_id, counts in together.items()},
    )
