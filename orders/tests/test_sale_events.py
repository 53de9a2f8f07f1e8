"""Which sale event a purchase change is (orders/sale_events.py: sale_event), for both stream handlers."""

import pytest

from orders.sale_events import CANCELLED, PURCHASED, SaleEvent, sale_event

PLACED = {
    "tenant_id": "tenant1",
    "purchase_id": "p1",
    "user_id": "u1",
    "status": "completed",
    "payment_method": "card",
    "total_amount": "20.00",
    "created_at": "2026-03-01T10:00:00.000000+0000",
    "items": [
        {"book_id": "b1", "title": "T", "category": "Fiction", "author": "A", "quantity": 2, "unit_price": "10.00",
         "subtotal": "20.00"},
    ],
}  # fmt: skip
CANCELLED_IMAGE = {**PLACED, "status": "cancelled", "cancelled_at": "2026-03-02T09:00:00.000000+0000"}
PAID = {**PLACED, "paid_at": "2026-03-01T11:00:00.000000+0000"}

CHANGES = [
    pytest.param("INSERT", PLACED, None, SaleEvent(PURCHASED, 1), id="placed"),
    pytest.param("MODIFY", CANCELLED_IMAGE, PLACED, SaleEvent(CANCELLED, -1), id="cancelled"),
    pytest.param("MODIFY", CANCELLED_IMAGE, None, SaleEvent(CANCELLED, -1), id="cancelled, no old image"),
    pytest.param("MODIFY", CANCELLED_IMAGE, CANCELLED_IMAGE, None, id="already cancelled"),
    pytest.param("MODIFY", PAID, PLACED, None, id="paid"),
    pytest.param("REMOVE", None, PLACED, None, id="removed"),
]


@pytest.mark.parametrize(("event_name", "new", "old", "expected"), CHANGES)
def test_sale_event(event_name, new, old, expected):
    assert sale_event(event_name=event_name, new=new, old=old) == expected
