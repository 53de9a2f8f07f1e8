"""Input serializers refuse what they do not declare in every content type, and date parameters are bounded.

bookstore/serializers.py: InputSerializer's unknown-field check, DayField.
"""

import json
import uuid
from urllib.parse import urlencode

import pytest
from rest_framework.exceptions import ValidationError

from bookstore.serializers import DayField

FORM = "application/x-www-form-urlencoded"
ADDRESS = {"line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013", "country": "ES"}


def _send(client, method: str, path: str, data: dict, content_type: str, **headers):
    """`data` as a JSON, form-urlencoded or multipart body."""
    if content_type == "json":
        return client.generic(method, path, json.dumps(data), content_type="application/json", **headers)
    if content_type == "form":
        return client.generic(method, path, urlencode(data), content_type=FORM, **headers)
    return getattr(client, method.lower())(path, data, format="multipart", **headers)


CONTENT_TYPES = ["json", "form", "multipart"]


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
@pytest.mark.parametrize("unknown", ["quantity.x", "quantity[0]", "book_id.id", "bogus", "tenant_id.x"])
def test_an_unknown_field_on_cart_add_is_a_400_that_adds_nothing(customer_client, book, content_type, unknown):
    data = {"book_id": book.book_id, "quantity": 1, unknown: 1}

    response = _send(customer_client, "POST", "/api/v1/cart/add", data, content_type)

    assert response.status_code == 400, response.content
    assert response.json()["error"] == {
        "code": "validation_error",
        "message": "Some fields are invalid.",
        "details": {unknown: ["Unknown field."]},
    }
    assert customer_client.get("/api/v1/cart").json()["items"] == []


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_a_dotted_field_on_a_cart_line_is_a_400(customer_client, book, cart_with, customer, content_type):
    cart_with(customer, book, 2)

    response = _send(customer_client, "PATCH", f"/api/v1/cart/items/{book.book_id}", {"quantity.x": 5}, content_type)

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"quantity.x": ["Unknown field."]}
    assert customer_client.get("/api/v1/cart").json()["items"][0]["quantity"] == 2


def test_a_form_names_a_nested_field_with_a_dot_and_a_list_item_with_an_index(customer_client):
    response = customer_client.generic(
        "PATCH",
        "/api/v1/users/profile",
        urlencode({"preferences.categories[0]": "Fiction", "preferences.categories[1]": "History"}),
        content_type=FORM,
    )

    assert response.status_code == 200, response.content
    assert response.json()["preferences"]["categories"] == ["Fiction", "History"]


@pytest.mark.parametrize("content_type", ["form", "multipart"])
def test_an_unknown_field_inside_a_nested_form_field_is_named(customer_client, book, cart_with, customer, content_type):
    cart_with(customer, book, 1)
    data = {"payment_method": "card", **{f"shipping_address.{k}": v for k, v in ADDRESS.items()}}

    response = _send(
        customer_client,
        "POST",
        "/api/v1/purchases/checkout",
        {**data, "shipping_address.floor": "3"},
        content_type,
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"shipping_address": {"floor": ["Unknown field."]}}
    key = str(uuid.uuid4())
    placed = _send(customer_client, "POST", "/api/v1/purchases/checkout", data, content_type, HTTP_IDEMPOTENCY_KEY=key)
    assert placed.status_code == 201, placed.content


def test_in_json_a_dotted_name_is_not_a_nested_field(customer_client, book, cart_with, customer):
    cart_with(customer, book, 1)
    body = {"payment_method": "card", "shipping_address": ADDRESS, "shipping_address.floor": "3"}

    response = _send(
        customer_client, "POST", "/api/v1/purchases/checkout", body, "json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
    )

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"shipping_address.floor": ["Unknown field."]}


@pytest.mark.parametrize("value", ["0001-01-05", "1969-12-31", "3000-01-01", "9999-12-31"])
def test_a_day_outside_the_bounds_is_refused(value):
    with pytest.raises(ValidationError) as refused:
        DayField().run_validation(value)
    assert refused.value.detail == ["Enter a day between 1970-01-01 and 2999-12-31."]


@pytest.mark.parametrize("value", ["1970-01-01", "2025-07-01", "2999-12-31"])
def test_a_day_inside_the_bounds_is_a_date(value):
    assert DayField().run_validation(value).isoformat() == value
