"""After checkout: the cap on unpaid orders, expiry, payment, the cancel policy and refunds (orders/lifecycle.py)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command

from orders.models import Purchase

PURCHASES = "/api/v1/purchases"


def pay_later(client, book, add_to_cart, http_checkout, checkout_body):
    add_to_cart(client, book.book_id)
    return http_checkout(client, {**checkout_body, "payment_method": "transfer"})


def test_a_user_holds_at_most_three_unpaid_orders(customer_client, book, add_to_cart, http_checkout, checkout_body):
    codes = [pay_later(customer_client, book, add_to_cart, http_checkout, checkout_body).status_code for _ in range(4)]
    assert codes == [201, 201, 201, 409]
    refused = pay_later(customer_client, book, add_to_cart, http_checkout, checkout_body)
    assert refused.json()["error"]["code"] == "too_many_pending_orders"
    assert len([p for p in Purchase.scan() if p.status == "pending"]) == 3
    # The refused checkouts left the cart as it was (one copy added before each), and card is not capped.
    assert customer_client.get("/api/v1/cart").json()["item_count"] == 2
    assert http_checkout(customer_client).status_code == 201


def test_unpaid_orders_expire_and_restock_exactly_once(
    clock, customer_client, book, stock_of, add_to_cart, http_checkout, checkout_body, buy
):
    old = pay_later(customer_client, book, add_to_cart, http_checkout, checkout_body).json()
    paid = buy(customer_client, book)
    clock.advance(timedelta(hours=47))
    recent = pay_later(customer_client, book, add_to_cart, http_checkout, checkout_body).json()
    clock.advance(timedelta(hours=2))
    assert stock_of(book) == 7

    call_command("expire_pending_orders")
    call_command("expire_pending_orders")  # a second run changes nothing more

    statuses = {p["purchase_id"]: p["status"] for p in customer_client.get(PURCHASES).json()["results"]}
    assert statuses == {
        old["purchase_id"]: "cancelled",
        paid["purchase_id"]: "completed",
        recent["purchase_id"]: "pending",
    }
    assert stock_of(book) == 8
    # The expired order no longer counts towards the cap.
    assert pay_later(customer_client, book, add_to_cart, http_checkout, checkout_body).status_code == 201


def test_expiry_stops_when_its_time_is_spent_and_the_next_run_goes_on(
    clock, customer_client, book, add_to_cart, http_checkout, checkout_body
):
    from orders.lifecycle import pending_orders_expire

    orders = [pay_later(customer_client, book, add_to_cart, http_checkout, checkout_body).json() for _ in range(2)]
    clock.advance(timedelta(hours=49))
    asked = []

    def one_order_of_time() -> bool:
        asked.append(1)
        return len(asked) > 1

    first = pending_orders_expire(tenant_id="tenant1", should_stop=one_order_of_time)
    assert (first.expired, first.complete) == (1, False)
    second = pending_orders_expire(tenant_id="tenant1")
    assert (second.expired, second.complete) == (1, True)
    statuses = {p["purchase_id"]: p["status"] for p in customer_client.get(PURCHASES).json()["results"]}
    assert [statuses[o["purchase_id"]] for o in orders] == ["cancelled", "cancelled"]


def test_an_admin_marks_an_unpaid_order_paid(
    customer, customer_client, admin_client, book, add_to_cart, http_checkout, checkout_body
):
    order = pay_later(customer_client, book, add_to_cart, http_checkout, checkout_body).json()
    url = f"/api/v1/admin/purchases/{customer.user_id}/{order['purchase_id']}/mark-paid"
    assert customer_client.post(url).status_code == 403
    response = admin_client.post(url)
    assert response.status_code == 200
    assert response.json()["status"] == "completed"
    assert response.json()["paid_at"] is not None
    again = admin_client.post(url)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "not_pending"
    listing = admin_client.get("/api/v1/admin/purchases", {"status": "pending"}).json()
    assert listing["results"] == []


def test_a_customer_cancels_a_paid_order_only_within_the_window(clock, customer_client, book, buy, settings):
    settings.CANCEL_WINDOW_MINUTES = 30
    early = buy(customer_client, book)
    late = buy(customer_client, book)
    clock.advance(timedelta(minutes=10))
    cancelled = customer_client.post(f"{PURCHASES}/{early['purchase_id']}/cancel").json()
    assert cancelled["status"] == "cancelled"
    assert cancelled["refund_due"] == early["total_amount"]

    clock.advance(timedelta(minutes=25))
    refused = customer_client.post(f"{PURCHASES}/{late['purchase_id']}/cancel")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "cancel_window_closed"
    assert customer_client.get(f"{PURCHASES}/{late['purchase_id']}").json()["status"] == "completed"


def test_an_admin_cancels_any_order_of_the_tenant(
    clock, customer, customer_client, admin_client, other_tenant_admin_client, book, buy, stock_of
):
    order = buy(customer_client, book, quantity=2)
    clock.advance(timedelta(days=3))
    url = f"/api/v1/admin/purchases/{customer.user_id}/{order['purchase_id']}/cancel"
    assert other_tenant_admin_client.post(url).status_code == 404
    response = admin_client.post(url)
    assert response.status_code == 200
    assert response.json()["refund_due"] == order["total_amount"]
    assert stock_of(book) == 10


def test_an_unpaid_order_cancelled_owes_no_refund(customer_client, book, add_to_cart, http_checkout, checkout_body):
    order = pay_later(customer_client, book, add_to_cart, http_checkout, checkout_body).json()
    cancelled = customer_client.post(f"{PURCHASES}/{order['purchase_id']}/cancel").json()
    assert cancelled["status"] == "cancelled"
    assert cancelled["refund_due"] is None


@pytest.mark.parametrize("price", [Decimal("99999999.99")])
def test_totals_above_the_maximum_are_refused_before_anything_is_written(
    customer_client, book_factory, add_to_cart, price, settings
):
    first = book_factory(price=price, stock_quantity=200)
    second = book_factory(price=price, stock_quantity=200)
    assert add_to_cart(customer_client, first.book_id, 9).status_code == 200
    refused = add_to_cart(customer_client, second.book_id, 99)
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "order_total_too_large"
    cart = customer_client.get("/api/v1/cart").json()
    assert [line["quantity"] for line in cart["items"]] == [9]
    assert cart["total"] == "899999999.91"


def test_a_cart_whose_prices_rose_past_the_maximum_still_reads_but_cannot_check_out(
    customer_client, book_factory, add_to_cart, http_checkout, settings
):
    book = book_factory(price=Decimal("10.00"), stock_quantity=200)
    assert add_to_cart(customer_client, book.book_id, 99).status_code == 200
    settings.MAX_ORDER_TOTAL = Decimal("500.00")
    assert customer_client.get("/api/v1/cart").json()["total"] == "990.00"
    response = http_checkout(customer_client)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "order_total_too_large"
    assert list(Purchase.scan()) == []


def test_the_summary_is_one_query(customer_client, book, buy, dynamodb_calls, settings):
    settings.TENANT_CACHE_SECONDS = 60
    buy(customer_client, book)
    customer_client.get(f"{PURCHASES}/analytics/summary")
    dynamodb_calls.clear()
    assert customer_client.get(f"{PURCHASES}/analytics/summary").json()["order_count"] == 1
    assert dynamodb_calls == {"Query": 1}
