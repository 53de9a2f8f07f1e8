"""Checkout (orders/services.py: checkout): atomic, never oversells, idempotent per key."""

import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

from catalog.services import book_delete, book_update
from orders.models import CartLine, IdempotencyRecord, Purchase

CHECKOUT = "/api/v1/purchases/checkout"
ADDRESS = {"line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013", "country": "es"}
BODY = {"payment_method": "card", "shipping_address": ADDRESS}


def test_checkout_places_the_order_from_server_prices(
    customer_client, book_factory, add_to_cart, http_checkout, checkout_body, stock_of
):
    first = book_factory(price=Decimal("19.99"), stock_quantity=5, category="Fiction")
    second = book_factory(title="Sapiens", author="Yuval Noah Harari", price=Decimal("22.50"), category="History")
    add_to_cart(customer_client, first.book_id, 2)
    add_to_cart(customer_client, second.book_id, 1)

    # A client-supplied total or price is refused, never used.
    forged = http_checkout(
        customer_client, {**checkout_body, "total_amount": "0.01", "items": [{"unit_price": "0.01"}]}
    )
    assert forged.status_code == 400
    assert set(forged.json()["error"]["details"]) == {"total_amount", "items"}
    response = http_checkout(customer_client, checkout_body)
    assert response.status_code == 201
    purchase = response.json()
    assert purchase["status"] == "completed"
    assert purchase["total_amount"] == "62.48"
    assert purchase["shipping_address"]["country"] == "ES"
    items = {i["book_id"]: i for i in purchase["items"]}
    assert items[first.book_id] == {
        "book_id": first.book_id,
        "title": first.title,
        "category": "Fiction",
        "author": first.author,
        "quantity": 2,
        "unit_price": "19.99",
        "subtotal": "39.98",
    }
    assert (stock_of(first), stock_of(second)) == (3, 9)
    assert customer_client.get("/api/v1/cart").json()["items"] == []
    assert customer_client.get(f"/api/v1/purchases/{purchase['purchase_id']}").json() == purchase


@pytest.mark.parametrize(
    ("method", "status"),
    [("card", "completed"), ("paypal", "completed"), ("transfer", "pending"), ("cash_on_delivery", "pending")],
)
def test_status_follows_the_payment_method(
    customer_client, book, method, status, add_to_cart, http_checkout, checkout_body
):
    add_to_cart(customer_client, book.book_id)
    assert http_checkout(customer_client, {**checkout_body, "payment_method": method}).json()["status"] == status


def test_empty_cart_is_400(customer_client, tenant, http_checkout):
    response = http_checkout(customer_client)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "cart_empty"


def test_idempotency_key_is_required_and_must_be_a_uuid(customer_client, book, add_to_cart, checkout_body, stock_of):
    add_to_cart(customer_client, book.book_id)
    for headers in ({}, {"HTTP_IDEMPOTENCY_KEY": "not-a-uuid"}):
        response = customer_client.post(CHECKOUT, BODY, format="json", **headers)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "idempotency_key_required"
    assert stock_of(book) == 10
    assert list(Purchase.scan()) == []


@pytest.mark.parametrize(
    "body",
    [
        {**BODY, "payment_method": "bitcoin"},
        {"payment_method": "card"},
        {**BODY, "shipping_address": {**ADDRESS, "country": "XX"}},
        {**BODY, "shipping_address": {**ADDRESS, "country": "ESP"}},
        {**BODY, "shipping_address": {**ADDRESS, "postal_code": "!"}},
        {**BODY, "shipping_address": {k: v for k, v in ADDRESS.items() if k != "city"}},
    ],
)
def test_bad_checkout_bodies_are_400_and_change_nothing(
    customer_client, book, body, add_to_cart, http_checkout, stock_of
):
    add_to_cart(customer_client, book.book_id, 2)
    response = http_checkout(customer_client, body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert stock_of(book) == 10
    assert list(Purchase.scan()) == []
    assert list(IdempotencyRecord.scan()) == []
    assert [int(line.quantity) for line in CartLine.scan(CartLine.sk.startswith("CART#"))] == [2]


def test_a_short_book_fails_the_whole_checkout_and_names_it(
    customer_client, book_factory, add_to_cart, http_checkout, stock_of
):
    plenty = book_factory(stock_quantity=10)
    scarce = book_factory(title="Rayuela", stock_quantity=3)
    add_to_cart(customer_client, plenty.book_id, 2)
    add_to_cart(customer_client, scarce.book_id, 3)
    book_update(tenant_id="tenant1", book_id=scarce.book_id, stock_quantity=1)

    response = http_checkout(customer_client)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "insufficient_stock"
    assert error["details"]["items"] == [
        {"book_id": scarce.book_id, "title": "Rayuela", "requested": 3, "available": 1}
    ]
    assert (stock_of(plenty), stock_of(scarce)) == (10, 1)
    assert len(list(CartLine.scan(CartLine.sk.startswith("CART#")))) == 2
    assert list(Purchase.scan()) == []


def test_a_withdrawn_book_fails_the_checkout(customer_client, book, add_to_cart, http_checkout):
    add_to_cart(customer_client, book.book_id, 1)
    book_delete(tenant_id="tenant1", book_id=book.book_id)
    response = http_checkout(customer_client)
    assert response.status_code == 409
    assert response.json()["error"]["details"]["items"][0]["available"] == 0
    assert list(Purchase.scan()) == []


def test_sequential_retries_return_the_original_purchase(customer_client, book, add_to_cart, http_checkout, stock_of):
    add_to_cart(customer_client, book.book_id, 2)
    key = str(uuid.uuid4())
    first = http_checkout(customer_client, key=key)
    assert first.status_code == 201
    for _ in range(5):
        retry = http_checkout(customer_client, key=key)
        assert retry.status_code == 201
        assert retry.json() == first.json()
        assert retry["Idempotent-Replayed"] == "true"
    assert len(list(Purchase.scan())) == 1
    assert stock_of(book) == 8


def test_concurrent_retries_place_one_order(customer, book, add_to_cart, http_checkout, stock_of, client_for):
    client = client_for(customer)
    add_to_cart(client, book.book_id, 3)
    key = str(uuid.uuid4())

    def attempt(_):
        response = http_checkout(client_for(customer), key=key)
        return response.status_code, response.json()

    with ThreadPoolExecutor(max_workers=5) as pool:
        results = list(pool.map(attempt, range(5)))
    assert [code for code, _ in results] == [201] * 5
    assert len({body["purchase_id"] for _, body in results}) == 1
    assert len(list(Purchase.scan())) == 1
    assert stock_of(book) == 7


def test_same_key_with_a_different_body_is_422(customer_client, book, add_to_cart, http_checkout, checkout_body):
    add_to_cart(customer_client, book.book_id)
    key = str(uuid.uuid4())
    http_checkout(customer_client, key=key)
    response = http_checkout(customer_client, {**checkout_body, "payment_method": "paypal"}, key=key)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert len(list(Purchase.scan())) == 1


def test_thirty_buyers_for_the_last_ten_copies_never_oversell(
    tenant, book_factory, add_to_cart, http_checkout, stock_of, client_for, user_factory
):
    book = book_factory(stock_quantity=10)
    clients = [client_for(user_factory(tenant, email=f"buyer{n}@example.com")) for n in range(30)]
    for client in clients:
        assert add_to_cart(client, book.book_id, 1).status_code == 200

    with ThreadPoolExecutor(max_workers=30) as pool:
        codes = list(pool.map(lambda c: http_checkout(c).status_code, clients))
    assert sorted(codes) == [201] * 10 + [409] * 20
    assert stock_of(book) == 0
    purchases = list(Purchase.scan())
    assert sum(int(p.items[0].quantity) for p in purchases) == 10
    assert len(list(CartLine.scan(CartLine.sk.startswith("CART#")))) == 20  # the losers keep their carts
