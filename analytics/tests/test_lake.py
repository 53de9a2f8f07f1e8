"""The lake rows of a purchase change (analytics/lake.py: rows_for_change): one per item for its sale event."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from analytics.lake import rows_for_change
from orders.sale_events import CANCELLED, PURCHASED

PLACED = {
    "tenant_id": "tenant1",
    "purchase_id": "p1",
    "user_id": "u1",
    "status": "completed",
    "payment_method": "card",
    "total_amount": "27.5",
    "created_at": "2026-03-01T10:00:00.000000+0000",
    "items": [
        {"book_id": "b1", "title": "T", "category": "Fiction", "author": "A", "quantity": 2, "unit_price": "10",
         "subtotal": "20"},
        {"book_id": "b2", "title": "U", "category": "Poetry", "author": "B", "quantity": 1, "unit_price": "7.5",
         "subtotal": "7.5"},
    ],
}  # fmt: skip
CANCELLED_IMAGE = {**PLACED, "status": "cancelled", "cancelled_at": "2026-03-02T09:00:00.000000+0000"}
APPROXIMATE = datetime(2026, 3, 3, tzinfo=UTC)


def rows(event_name, new, old):
    return rows_for_change(event_name=event_name, new=new, old=old, approximate_time=APPROXIMATE)


def test_a_purchase_is_one_purchased_row_per_item_timed_at_its_creation_with_money_in_cents():
    placed = rows("INSERT", PLACED, None)

    assert [(r["line"], r["event_type"]) for r in placed] == [(1, PURCHASED), (2, PURCHASED)]
    assert {r["event_time"] for r in placed} == {datetime(2026, 3, 1, 10, tzinfo=UTC)}
    assert [r["unit_price"] for r in placed] == [Decimal("10.00"), Decimal("7.50")]
    assert str(placed[0]["total_amount"]) == "27.50"


def test_a_cancellation_is_timed_at_cancelled_at_or_else_at_the_record():
    cancelled = rows("MODIFY", CANCELLED_IMAGE, PLACED)
    without_time = rows("MODIFY", {**CANCELLED_IMAGE, "cancelled_at": None}, PLACED)

    assert {(r["event_type"], r["event_time"]) for r in cancelled} == {(CANCELLED, datetime(2026, 3, 2, 9, tzinfo=UTC))}
    assert {r["event_time"] for r in without_time} == {APPROXIMATE}


@pytest.mark.parametrize(
    ("event_name", "new", "old"),
    [
        pytest.param("MODIFY", CANCELLED_IMAGE, CANCELLED_IMAGE, id="already cancelled"),
        pytest.param("MODIFY", {**PLACED, "paid_at": "2026-03-01T11:00:00.000000+0000"}, PLACED, id="paid"),
        pytest.param("REMOVE", None, PLACED, id="removed"),
    ],
)
def test_a_change_that_is_no_sale_event_writes_no_row(event_name, new, old):
    assert rows(event_name, new, old) == []
