"""The orders' metrics (orders/services.py: checkout, orders/lifecycle.py: pending_orders_expire) as EMF lines."""

from datetime import timedelta

from django.core.management import call_command


def test_a_placed_order_counts_once_and_its_replay_not_at_all(
    metric_lines, customer_client, book, add_to_cart, http_checkout
):
    add_to_cart(customer_client, book.book_id)
    placed = http_checkout(customer_client, key="5b0a4c1e-8d0e-4f5e-9b7a-3c2d1e0f9a8b")
    replayed = http_checkout(customer_client, key="5b0a4c1e-8d0e-4f5e-9b7a-3c2d1e0f9a8b")

    assert placed.json()["purchase_id"] == replayed.json()["purchase_id"]
    (line,) = metric_lines("OrdersPlaced")
    assert (line["OrdersPlaced"], line["tenant"], line["purchase_id"]) == (
        1,
        book.tenant_id,
        placed.json()["purchase_id"],
    )


def test_a_refused_checkout_counts_by_its_reason(metric_lines, customer_client, http_checkout):
    refused = http_checkout(customer_client)

    assert refused.json()["error"]["code"] == "cart_empty"
    (line,) = metric_lines("CheckoutsRefused")
    assert (line["Reason"], line["_aws"]["CloudWatchMetrics"][0]["Dimensions"]) == ("cart_empty", [["Stage", "Reason"]])
    assert metric_lines("OrdersPlaced") == []


def test_expired_pending_orders_are_counted(
    metric_lines, clock, customer_client, book, add_to_cart, http_checkout, checkout_body
):
    for _ in range(2):
        add_to_cart(customer_client, book.book_id)
        assert http_checkout(customer_client, {**checkout_body, "payment_method": "transfer"}).status_code == 201
    clock.advance(timedelta(hours=49))

    call_command("expire_pending_orders")
    call_command("expire_pending_orders")  # nothing left to expire: no line

    (line,) = metric_lines("PendingOrdersExpired")
    assert (line["PendingOrdersExpired"], line["tenant"]) == (2, book.tenant_id)
