"""Fixtures of the orders tests: cart and checkout requests over HTTP, on the factories of `testing.fixtures`."""

import uuid

import pytest

CHECKOUT = "/api/v1/purchases/checkout"


@pytest.fixture
def checkout_body():
    """A valid checkout body (card payment, a Spanish address with a lowercase country code)."""
    address = {"line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013", "country": "es"}
    return {"payment_method": "card", "shipping_address": address}


@pytest.fixture
def add_to_cart():
    """`add_to_cart(client, book_id, quantity=1)`: the response of POST cart/add."""

    def add(client, book_id: str, quantity: int = 1):
        return client.post("/api/v1/cart/add", {"book_id": book_id, "quantity": quantity}, format="json")

    return add


@pytest.fixture
def http_checkout(checkout_body):
    """`http_checkout(client, body=None, key=None)`: the response of POST purchases/checkout."""

    def send(client, body=None, key=None):
        return client.post(
            CHECKOUT, body or checkout_body, format="json", HTTP_IDEMPOTENCY_KEY=key or str(uuid.uuid4())
        )

    return send


@pytest.fixture
def buy(add_to_cart, http_checkout, checkout_body):
    """`buy(client, book, quantity=1, method="card")`: the purchase body of a cart-then-checkout over HTTP."""

    def place(client, book, quantity: int = 1, method: str = "card"):
        add_to_cart(client, book.book_id, quantity)
        response = http_checkout(client, {**checkout_body, "payment_method": method})
        assert response.status_code == 201, response.json()
        return response.json()

    return place
