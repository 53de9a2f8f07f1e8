"""Checkout names the right reason when it loses a race (orders/services.py: _checkout_failure).

A botocore `before-call` hook (the one sanctioned fault injection) makes a concurrent change
just before the checkout's TransactWriteItems leaves, so the transaction is cancelled by the
emulator for a real reason, and the answer must name the action that failed.
"""

from decimal import Decimal

import pytest

from bookstore.dynamodb.base import connection
from catalog.models import Book, BookStock
from catalog.services import book_update
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
    stock = BookStock(book.pk, BookStock.SORT_KEY)
    just_before_the_transaction(lambda: stock.update(actions=[BookStock.stock_quantity.set(1)]))

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


def test_a_price_change_during_checkout_refuses_it(
    tenant, customer_client, book, add_to_cart, http_checkout, just_before_the_transaction, stock_of
):
    add_to_cart(customer_client, book.book_id, 2)
    reprice = lambda: book_update(tenant_id=tenant.tenant_id, book_id=book.book_id, price=Decimal("25.00"))  # noqa: E731
    just_before_the_transaction(reprice)

    response = http_checkout(customer_client)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "cart_changed"  # in stock and for sale: the price moved
    assert list(Purchase.scan()) == []
    assert stock_of(book) == 10
    assert BookStock.get(book.pk, BookStock.SORT_KEY, consistent_read=True).price == Decimal("25.00")


def test_a_description_edit_during_checkout_does_not_collide_with_it(
    tenant, customer_client, book, add_to_cart, http_checkout, just_before_the_transaction, stock_of
):
    add_to_cart(customer_client, book.book_id, 2)
    edit = lambda: book_update(tenant_id=tenant.tenant_id, book_id=book.book_id, version=1, description="Reeditado.")  # noqa: E731
    just_before_the_transaction(edit)

    response = http_checkout(customer_client)

    assert response.status_code == 201
    assert stock_of(book) == 8
    stored = Book.get(book.pk, book.sk, consistent_read=True)
    assert (stored.description, stored.version) == ("Reeditado.", 2)  # the sale did not move the version
