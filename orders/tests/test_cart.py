"""The cart endpoints.

orders/services.py: cart_add, cart_set_quantity, cart_remove, cart_clear; orders/selectors.py: cart_get.
"""

from decimal import Decimal

from catalog.services import book_delete, book_update
from orders.models import CartLine

CART = "/api/v1/cart"


def item(client, book_id: str) -> str:
    return f"{CART}/items/{book_id}"


def test_add_to_cart_then_view_with_server_totals(customer_client, book_factory, add_to_cart):
    first = book_factory(price=Decimal("19.99"), stock_quantity=5)
    second = book_factory(title="Don Quijote", price=Decimal("10.05"), stock_quantity=3)
    assert add_to_cart(customer_client, first.book_id, 2).status_code == 200
    add_to_cart(customer_client, second.book_id, 1)
    response = add_to_cart(customer_client, first.book_id, 1)  # adds to the existing line
    cart = response.json()
    assert cart["total"] == "70.02"  # 3 x 19.99 + 10.05
    assert cart["item_count"] == 4
    lines = {line["book_id"]: line for line in cart["items"]}
    assert lines[first.book_id] == {
        "book_id": first.book_id,
        "title": "Cien años de soledad",
        "quantity": 3,
        "unit_price": "19.99",
        "subtotal": "59.97",
        "available_stock": 5,
        "available": True,
        "in_stock": True,
    }
    assert customer_client.get(CART).json() == cart


def test_cart_reflects_current_prices_and_stock(customer_client, book, add_to_cart):
    add_to_cart(customer_client, book.book_id, 4)
    book_update(tenant_id="tenant1", book_id=book.book_id, price=Decimal("5.00"), stock_quantity=2)
    line = customer_client.get(CART).json()["items"][0]
    observed = (line["unit_price"], line["subtotal"], line["available_stock"], line["in_stock"])
    assert observed == ("5.00", "20.00", 2, False)


def test_a_client_supplied_price_is_refused_and_never_used(customer_client, book):
    response = customer_client.post(
        f"{CART}/add", {"book_id": book.book_id, "quantity": 1, "price": "0.01", "unit_price": "0.01"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["details"]) == {"price", "unit_price"}
    assert customer_client.get(CART).json()["items"] == []
    response = customer_client.post(f"{CART}/add", {"book_id": book.book_id, "quantity": 1}, format="json")
    assert response.json()["total"] == "19.99"


def test_more_than_the_stock_is_409_with_what_is_available(customer_client, book_factory, add_to_cart):
    scarce = book_factory(stock_quantity=2)
    add_to_cart(customer_client, scarce.book_id, 2)
    response = add_to_cart(customer_client, scarce.book_id, 1)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "insufficient_stock"
    assert error["details"]["items"] == [
        {"book_id": scarce.book_id, "title": scarce.title, "requested": 3, "available": 2}
    ]
    assert customer_client.get(CART).json()["items"][0]["quantity"] == 2


def test_quantity_bounds_and_missing_books_change_nothing(customer_client, book_factory, add_to_cart):
    book = book_factory(stock_quantity=500)
    inactive = book_factory()
    book_delete(tenant_id="tenant1", book_id=inactive.book_id)
    cases = [
        ({"book_id": book.book_id, "quantity": 0}, 400, "validation_error"),
        ({"book_id": book.book_id, "quantity": 100}, 400, "validation_error"),
        ({"book_id": book.book_id, "quantity": "many"}, 400, "validation_error"),
        ({"quantity": 1}, 400, "validation_error"),
        ({"book_id": "not-a-uuid", "quantity": 1}, 404, "book_not_found"),
        ({"book_id": "00000000-0000-0000-0000-000000000000", "quantity": 1}, 404, "book_not_found"),
        ({"book_id": inactive.book_id, "quantity": 1}, 404, "book_not_found"),
    ]
    for body, code, error_code in cases:
        response = customer_client.post(f"{CART}/add", body, format="json")
        assert (response.status_code, response.json()["error"]["code"]) == (code, error_code), body
    add_to_cart(customer_client, book.book_id, 60)
    too_many = add_to_cart(customer_client, book.book_id, 40)
    assert too_many.status_code == 400
    assert too_many.json()["error"]["code"] == "quantity_too_large"
    assert [int(line.quantity) for line in CartLine.scan(CartLine.sk.startswith("CART#"))] == [60]


def test_cart_line_limit(customer_client, book_factory, settings, add_to_cart):
    settings.CART_MAX_LINES = 3
    books = [book_factory() for _ in range(4)]
    for book in books[:3]:
        assert add_to_cart(customer_client, book.book_id).status_code == 200
    response = add_to_cart(customer_client, books[3].book_id)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "cart_full"
    assert add_to_cart(customer_client, books[0].book_id).status_code == 200  # an existing line may grow
    assert len(customer_client.get(CART).json()["items"]) == 3


def test_set_quantity_remove_and_clear(customer_client, book_factory, add_to_cart):
    first, second = book_factory(), book_factory()
    add_to_cart(customer_client, first.book_id, 1)
    add_to_cart(customer_client, second.book_id, 1)

    response = customer_client.patch(item(customer_client, first.book_id), {"quantity": 5}, format="json")
    assert response.status_code == 200
    assert {line["book_id"]: line["quantity"] for line in response.json()["items"]}[first.book_id] == 5
    too_many = customer_client.patch(item(customer_client, first.book_id), {"quantity": 11}, format="json")
    assert too_many.status_code == 409

    zero = customer_client.patch(item(customer_client, first.book_id), {"quantity": 0}, format="json")
    assert [line["book_id"] for line in zero.json()["items"]] == [second.book_id]
    missing = customer_client.patch(item(customer_client, first.book_id), {"quantity": 2}, format="json")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "cart_item_not_found"

    assert customer_client.delete(item(customer_client, second.book_id)).status_code == 204
    assert customer_client.get(CART).json()["items"] == []

    add_to_cart(customer_client, first.book_id, 1)
    add_to_cart(customer_client, second.book_id, 1)
    assert customer_client.delete(CART).status_code == 204
    assert customer_client.get(CART).json() == {"items": [], "item_count": 0, "total": "0.00"}


def test_a_withdrawn_book_stays_in_the_cart_as_unavailable(customer_client, book, add_to_cart):
    add_to_cart(customer_client, book.book_id, 1)
    book_delete(tenant_id="tenant1", book_id=book.book_id)
    cart = customer_client.get(CART).json()
    assert cart["total"] == "0.00"
    assert cart["items"][0]["available"] is False
    assert cart["items"][0]["in_stock"] is False
    removed = customer_client.patch(item(customer_client, book.book_id), {"quantity": 0}, format="json")
    assert removed.status_code == 200
    assert removed.json()["items"] == []


def test_carts_are_private(customer_client, other_customer_client, book, add_to_cart):
    add_to_cart(customer_client, book.book_id, 2)
    assert other_customer_client.get(CART).json()["items"] == []
    other_customer_client.delete(CART)
    other_customer_client.delete(item(other_customer_client, book.book_id))
    assert customer_client.get(CART).json()["items"][0]["quantity"] == 2


def test_cart_needs_a_token_and_the_tokens_tenant(api_client, customer_client, other_tenant, book):
    assert api_client.get(CART).status_code == 401
    assert customer_client.get(CART, HTTP_X_TENANT_ID="tenant2").status_code == 403
    response = customer_client.post(
        f"{CART}/add", {"book_id": book.book_id, "quantity": 1, "tenant_id": "tenant2"}, format="json"
    )
    assert response.status_code == 403
    assert list(CartLine.scan(CartLine.sk.startswith("CART#"))) == []


def test_another_tenants_book_cannot_be_added(other_tenant_admin_client, book):
    response = other_tenant_admin_client.post(f"{CART}/add", {"book_id": book.book_id, "quantity": 1}, format="json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "book_not_found"
