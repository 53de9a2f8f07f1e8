"""The sales and co-purchase counters recounted from the purchases table: a repair, and part of a restore.

The purchases stream moves the counters (`orders.stream_handlers.count_sales`). When the
stream's records are lost before they were handled (the local stack restored, or an import
of an export), the counters no longer equal the purchases. `sales_recount` reads the
tenant's purchases (GSI `tenant-index`) and its counters, and sets each wrong count to what
the purchases say: units sold per book, net of cancellations, and, per ordered pair of
distinct books, how many non-cancelled purchases held both. Each correction is conditioned
on the value read (`catalog.sales.sales_counter_set`), so a count the stream moves
meanwhile is reported for a re-run instead of being overwritten.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from bookstore.errors import ApplicationError
from bookstore.tenants import TenancyError, tenant_get
from catalog.models import BookSales, CoPurchase
from catalog.sales import co_purchase_set, sales_counter_set
from orders.models import CANCELLED, Purchase


@dataclass(frozen=True)
class CounterChange:
    """One corrected count: `sales` of a book, or a `pair` (book → partner)."""

    kind: str
    key: str
    before: int
    after: int


@dataclass
class SalesRecount:
    purchases: int = 0
    changes: list[CounterChange] = field(default_factory=list)
    # Counts moved by the stream while the recount ran: left as they are, for a re-run.
    raced: list[CounterChange] = field(default_factory=list)


def _expected(tenant_id: str, on_progress: Callable[[int], None] | None) -> tuple[Counter, Counter, dict, int]:
    units: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    categories: dict[str, str] = {}
    count = 0
    for purchase in Purchase.tenant_by_date.query(Purchase.tenant_key_for(tenant_id)):
        count += 1
        if on_progress:
            on_progress(1)
        for item in purchase.items:
            categories.setdefault(item.book_id, item.category)
        if purchase.status == CANCELLED:  # sold, then taken back: it counts for nothing
            continue
        books = set()
        for item in purchase.items:
            units[item.book_id] += int(item.quantity)
            books.add(item.book_id)
        pairs.update((a, b) for a in books for b in books if a != b)
    return units, pairs, categories, count


def sales_recount(
    *, tenant_id: str, dry_run: bool = False, on_progress: Callable[[int], None] | None = None
) -> SalesRecount:
    """Set the tenant's sales and co-purchase counts to what its purchases say; idempotent."""
    if tenant_get(tenant_id=tenant_id) is None:
        raise ApplicationError(TenancyError.TENANT_NOT_FOUND)
    prefix = f"{tenant_id}#"
    stored_units = {
        s.book_id: int(s.units_sold) for s in BookSales.scan(BookSales.pk.startswith(prefix), consistent_read=True)
    }
    stored_pairs = {
        (c.pk.removeprefix(prefix), c.partner_id): int(c.times)
        for c in CoPurchase.scan(CoPurchase.pk.startswith(prefix), consistent_read=True)
    }
    units, pairs, categories, count = _expected(tenant_id, on_progress)
    result = SalesRecount(purchases=count)
    for book_id in sorted(set(stored_units) | set(units)):
        seen = stored_units.get(book_id)
        if seen == units[book_id] or (seen is None and not units[book_id]):
            continue
        change = CounterChange(kind="sales", key=book_id, before=seen or 0, after=units[book_id])
        written = dry_run or sales_counter_set(
            tenant_id=tenant_id, book_id=book_id, category=categories.get(book_id), units=units[book_id], seen=seen
        )
        (result.changes if written else result.raced).append(change)
    for pair in sorted(set(stored_pairs) | set(pairs)):
        seen = stored_pairs.get(pair)
        if (seen or 0) == pairs[pair]:
            continue
        change = CounterChange(kind="pair", key=f"{pair[0]} → {pair[1]}", before=seen or 0, after=pairs[pair])
        written = dry_run or co_purchase_set(
            tenant_id=tenant_id, book_id=pair[0], partner_id=pair[1], times=pairs[pair], seen=seen
        )
        (result.changes if written else result.raced).append(change)
    return result
