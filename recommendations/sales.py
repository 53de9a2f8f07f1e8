"""The sales signals recommendations read: the tenant's best-sellers and "bought together" partners.

This is the one seam onto the all-time counters the purchases stream keeps (`BookSales`,
`CoPurchase`, catalog/sales.py), read through catalog's selectors. The cost is bounded
whatever the history: one Query plus one BatchGetItem for the best-sellers, and one Query per
source book, for at most PARTNER_SOURCES books.
"""

from dataclasses import dataclass, field

from catalog.selectors import bestsellers_list, co_purchases_top

# Whose partners count as "bought together": the user's most recently bought books.
PARTNER_SOURCES = 3


@dataclass(frozen=True)
class SalesSignals:
    """Best-sellers (most units first) and, per book, the books bought with it (most purchases first)."""

    bestsellers: list[str] = field(default_factory=list)
    partners: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


def sales_signals(*, tenant_id: str, book_ids: list[str], limit: int) -> SalesSignals:
    """The tenant's top `limit` best-sellers, and the top `limit` partners of the first PARTNER_SOURCES books."""
    page = bestsellers_list(tenant_id=tenant_id, limit=limit)
    return SalesSignals(
        bestsellers=[seller.book.book_id for seller in page.items],
        partners={
            book_id: co_purchases_top(tenant_id=tenant_id, book_id=book_id, limit=limit)
            for book_id in book_ids[:PARTNER_SOURCES]
        },
    )
