"""Hostile input never reaches a 500 (bookstore/parsers.py, middleware.py, ids.py, tenants.py)."""

import uuid

import pytest

REGISTER = "/api/v1/users/register"


def test_deeply_nested_json_is_a_400(api_client, tenant):
    response = api_client.generic("POST", REGISTER, "[" * 5000, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


def test_invalid_utf8_is_a_400(api_client, tenant):
    response = api_client.generic("POST", REGISTER, b'{"email": "\xff\xfe"}', content_type="application/json")
    assert response.status_code == 400


def test_an_oversized_body_is_413_in_the_error_shape(api_client, tenant, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = '{"email": "a@example.com", "first_name": "' + "x" * 2000 + '"}'
    response = api_client.generic("POST", REGISTER, body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert response.json()["error"]["details"] == {"max_bytes": 1024}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/books/{long}",
        "/api/v1/purchases/{long}",
        "/api/v1/purchases/{long}/cancel",
        "/api/v1/users/favorites/{long}",
        "/api/v1/users/wishlist/{long}",
        "/api/v1/cart/items/{long}",
    ],
)
def test_path_ids_that_are_not_ids_never_reach_a_key(customer_client, dynamodb_calls, path):
    url = path.format(long="é" * 3000)
    dynamodb_calls.clear()
    responses = [customer_client.get(url), customer_client.post(url, {}, format="json"), customer_client.delete(url)]
    assert all(r.status_code in (204, 403, 404, 405) for r in responses), [r.status_code for r in responses]
    # Only the tenant lookup may have been read: no key was built from the path.
    assert set(dynamodb_calls) <= {"GetItem"}


def test_a_tenant_id_that_is_not_a_slug_is_404_with_no_read(api_client, dynamodb_calls):
    for tenant_id in ("x" * 3000, "Tenant One", "../tenant1"):
        response = api_client.get("/api/v1/books", HTTP_X_TENANT_ID=tenant_id)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "tenant_not_found"
    assert dynamodb_calls == {}


def test_an_unknown_idempotency_key_format_is_400(customer_client, book):
    response = customer_client.post("/api/v1/purchases/checkout", {}, format="json", HTTP_IDEMPOTENCY_KEY="x" * 3000)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "idempotency_key_required"
    assert str(uuid.UUID(str(uuid.uuid4())))  # the accepted form is a UUID


@pytest.mark.parametrize("value", [{}, [], 7, True])
def test_a_tenant_id_in_the_body_that_is_not_a_string_is_a_400(admin_client, value):
    # An object is unhashable: it must be refused as a 400 before the tenancy check compares it.
    response = admin_client.post("/api/v1/books", {"tenant_id": value, "title": "x"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"tenant_id": ["Must be a string."]}
