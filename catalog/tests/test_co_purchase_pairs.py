"""The co-purchase pair bound (catalog/sales.py: CO_PURCHASE_MAX_LINES, co_purchase_books, sales_count_event)."""

import uuid
from collections import Counter

from catalog.models import CoPurchase
from catalog.sales import CO_PURCHASE_MAX_LINES, SaleLine, co_purchase_books, sales_count_event
from testing.seeded_orders import co_purchase_top, held_out_hit_rate, seeded_catalogue, seeded_orders


def every_book(lines: list[SaleLine]) -> list[str]:
    """Pairs among all the lines of an order: the rule without the bound."""
    return sorted(line.book_id for line in lines)


def test_a_large_order_pairs_only_its_ten_lines_of_highest_quantity(tenant):
    books = sorted(str(uuid.uuid4()) for _ in range(12))
    # Two lines of one copy, the rest of two: the two single copies are left out of the pairs.
    lines = [SaleLine(book_id=b, category="Fiction", quantity=1 if n < 2 else 2) for n, b in enumerate(books)]
    left_out, paired = set(books[:2]), books[2:]
    assert co_purchase_books(lines) == paired
    sales_count_event(tenant_id=tenant.tenant_id, purchase_id="big", event_type="purchased", lines=lines, sign=1)

    def partners() -> Counter[str]:
        return Counter(
            {
                book_id: sum(1 for item in CoPurchase.query(f"{tenant.tenant_id}#{book_id}") if item.times > 0)
                for book_id in books
            }
        )

    held = partners()
    assert sum(held.values()) == CO_PURCHASE_MAX_LINES * (CO_PURCHASE_MAX_LINES - 1)  # 90 pair writes, not 132
    assert {book_id: held[book_id] for book_id in left_out} == {book_id: 0 for book_id in left_out}
    assert all(held[book_id] == CO_PURCHASE_MAX_LINES - 1 for book_id in paired)

    # The cancellation picks the same books, so every pair it counted goes back to zero.
    sales_count_event(tenant_id=tenant.tenant_id, purchase_id="big", event_type="cancelled", lines=lines, sign=-1)
    assert sum(partners().values()) == 0


def test_ties_in_quantity_go_to_the_smaller_book_id_whatever_the_line_order():
    lines = [SaleLine(book_id=f"book-{n:02}", category="Fiction", quantity=1) for n in range(15)]
    expected = [f"book-{n:02}" for n in range(CO_PURCHASE_MAX_LINES)]
    assert co_purchase_books(lines) == expected
    assert co_purchase_books(list(reversed(lines))) == expected


def test_the_bound_leaves_recommendation_quality_unchanged_on_the_seeded_data():
    """20,000 seeded orders over the demo catalogue (300 books), 5% of them carts of 12-32 lines.

    Quality is the held-out hit rate: counters built from the first 80% of the orders, asked
    of the last 20% whether a book's top 10 partners hold another book of its order. The bound
    must keep it within one point (seeds move it by half a point either way); the same measure
    for the tenant's plain best-sellers shows it can tell a good ranking from a weak one.
    """
    history = seeded_orders(catalogue=seeded_catalogue(books=300), orders=20_000, seed=0)
    assert sum(1 for lines in history if len(lines) > CO_PURCHASE_MAX_LINES) > 500
    train, test = history[:16_000], history[16_000:]

    unbounded = held_out_hit_rate(test, co_purchase_top(train, paired=every_book, top=10))
    bounded = held_out_hit_rate(test, co_purchase_top(train, paired=co_purchase_books, top=10))
    sold = Counter(line.book_id for lines in train for line in lines)
    bestsellers = [book_id for book_id, _ in sold.most_common(11)]
    popular = held_out_hit_rate(test, {book_id: [b for b in bestsellers if b != book_id][:10] for book_id in sold})

    assert abs(bounded - unbounded) <= 0.01, (unbounded, bounded)
    assert bounded > popular + 0.1, (bounded, popular)
