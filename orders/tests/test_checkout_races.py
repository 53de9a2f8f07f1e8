"""Checkout names the right reason when it loses a race (orders/services.py: _checkout_failure).

A botocore `before-call` hook (the one sanctioned fault injection) makes a concurrent change
just before the checkout's TransactWriteItems leaves, so the transaction is cancelled by the
emulator for a real reason, and the answer must name the action that failed.
"""

import pytest

from bookstore.dynamodb.base import connection
from catalog.models import Book
from orders.models import CartLine, Purchase


@pytest.fixture
def just_before_the_transaction():
    """`just_before_the_transaction(change)`: run `change()` once, right before the next TransactWriteItems."""
    client = connection().client
    hooks = []

    def install(change):
        def hook(**kwargs):
            client.meta.events.unregister("before-call.dynamodb.TransactWriteItems", hook)
            change()

        hooks.append(hook)
        client.meta.events.register("before-call.dynamodb.TransactWriteItems", hook)

    yield install
    for hook in hooks:
        client.meta.events.unregister("before-call.dynamodb.TransactWriteItems", hook)


def test_a_stock_race_is_insufficient_stock_with_details(
    customer_client, book, add_to_cart, http_checkout, just_before_the_transaction, stock_of
):
    add_to_cart(customer_client, book.book_id, 3)
    just_before_the_transaction(lambda: book.update(actions=[Book.stock_quantity.set(1)], add_version_condition=False))

    response = http_checkout(customer_client)

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "insufficient_stock"
    assert error["details"]["items"] == [{"book_id": book.book_id, "title": book.title, "requested": 3, "available": 1}]
    assert list(Purchase.scan()) == []
    assert stock_of(book) == 1


def test_a_cart_edit_during_checkout_is_cart_changed(
    customer, customer_client, book, add_to_cart, http_checkout, just_before_the_transaction, stock_of
):
    add_to_cart(customer_client, book.book_id, 3)
    line = CartLine(CartLine.key(customer.tenant_id, customer.user_id), CartLine.sort_key(book.book_id))
    just_before_the_transaction(lambda: line.update(actions=[CartLine.quantity.set(5)]))

    response = http_checkout(customer_client)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "cart_changed"
    assert list(Purchase.scan()) == []
    assert stock_of(book) == 10
