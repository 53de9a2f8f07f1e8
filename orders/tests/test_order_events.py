"""Which order events a purchase change is: each once, in the order's order, expiry told from cancellation."""

from orders.order_events import (
    ORDER_CANCELLED,
    ORDER_CREATED,
    ORDER_EXPIRED,
    ORDER_PAID,
    event_id_for,
    order_events,
)
from streams.registry import INSERT, MODIFY


def _image(status, **more):
    return {"tenant_id": "t1", "purchase_id": "p1", "status": status, **more}


def _types(event_name, new, old=None):
    return [(e.event_type, e.sequence) for e in order_events(event_name=event_name, new=new, old=old)]


def test_a_settled_order_is_created_then_paid():
    assert _types(INSERT, _image("completed")) == [(ORDER_CREATED, 1), (ORDER_PAID, 2)]


def test_an_unpaid_order_is_created_then_paid_when_marked_paid():
    assert _types(INSERT, _image("pending")) == [(ORDER_CREATED, 1)]
    assert _types(MODIFY, _image("completed"), _image("pending")) == [(ORDER_PAID, 2)]


def test_a_cancellation_by_the_expiry_job_is_an_expiry():
    assert _types(MODIFY, _image("cancelled", cancelled_by="customer"), _image("completed")) == [(ORDER_CANCELLED, 3)]
    assert _types(MODIFY, _image("cancelled", cancelled_by="system"), _image("pending")) == [(ORDER_EXPIRED, 3)]


def test_a_change_that_is_no_event_gives_none():
    assert _types(MODIFY, _image("cancelled"), _image("cancelled")) == []
    assert _types(MODIFY, _image("completed"), _image("completed")) == []


def test_an_event_keeps_its_id_and_ids_differ_by_order_and_type():
    (created,) = order_events(event_name=INSERT, new=_image("pending"), old=None)
    assert created.event_id == event_id_for("t1", "p1", ORDER_CREATED)
    assert created.event_id != event_id_for("t1", "p1", ORDER_PAID)
    assert created.event_id != event_id_for("t2", "p1", ORDER_CREATED)
