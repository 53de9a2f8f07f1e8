"""Bad input for every write endpoint gets a 4xx in the one error shape, and changes nothing.

The write endpoints and their body fields come from the project's own OpenAPI schema, so
an endpoint added later is tried too. Each is sent malformed JSON, a body of the wrong
type, every declared field with a wrong type, an unknown field, a body above
DATA_UPLOAD_MAX_MEMORY_SIZE, JSON nested past any parser's depth, invalid UTF-8 and a
lone UTF-16 surrogate. Path ids name the caller's real book, purchase, review, webhook
endpoint and delivery, so an endpoint that let bad input through would change something,
which the read-back would show.
"""

import json
import re

import pytest

pytestmark = pytest.mark.slow

WRITE_METHODS = ("post", "put", "patch")


def write_operations() -> list[tuple[str, str, dict]]:
    """(path, method, JSON body schema or {}) of every write operation in the OpenAPI schema."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema.get("components", {}).get("schemas", {})
    operations = []
    for path, item in schema["paths"].items():
        for method in WRITE_METHODS:
            if method not in item:
                continue
            content = item[method].get("requestBody", {}).get("content", {}).get("application/json", {})
            body = content.get("schema", {})
            if "$ref" in body:
                body = components[body["$ref"].rsplit("/", 1)[1]]
            operations.append((path, method, body))
    return operations


def _wrong_value(field_schema: dict):
    """A JSON value of a type the field does not take."""
    return 12345 if field_schema.get("type") in ("array", "string") or "$ref" in field_schema else ["wrong", "type"]


def _tenant_state(tenant_id: str) -> list[str]:
    from bookstore.dynamodb.registry import registered_models

    items = []
    for model in registered_models():
        if "rate" in model.Meta.table_name:
            continue
        for item in model.scan(consistent_read=True):
            text = json.dumps(item.serialize(null_check=False), sort_keys=True, default=str)
            if tenant_id in text:
                items.append(text)
    return sorted(items)


def _bad_bodies(body_schema: dict, limit: int) -> list[tuple[str, bytes]]:
    bodies = [
        ("malformed JSON", b'{"quantity": 1,'),
        ("a list instead of an object", b"[1, 2, 3]"),
        ("unknown field", json.dumps({"definitely_not_a_field": 1}).encode()),
        ("oversized", b'{"x": "' + b"a" * (limit + 1) + b'"}'),
        ("deeply nested", b'{"a": ' + b"[" * 5000 + b"]" * 5000 + b"}"),
        ("invalid UTF-8", b'{"first_name": "\xff\xfe\xfd", "title": "\xc3\x28"}'),
    ]
    properties = body_schema.get("properties", {})
    if properties:
        surrogate = {name: "\\ud800" for name, field in properties.items() if field.get("type") == "string"}
        if surrogate:
            text = "{" + ", ".join(f'"{name}": "{value}"' for name, value in surrogate.items()) + "}"
            bodies.append(("lone surrogate", text.encode()))
        wrong = {name: _wrong_value(field) for name, field in properties.items() if not field.get("readOnly")}
        bodies.append(("every field of the wrong type", json.dumps(wrong).encode()))
    return bodies


def _webhook_with_delivery(client) -> tuple[str, str]:
    """The caller's webhook endpoint (registered through the API) and a delivery to it, as the stream records it."""
    from bookstore.dynamodb.clock import now
    from webhooks.models import WebhookDelivery

    endpoint = client.post(
        "/api/v1/admin/webhooks", {"url": "http://127.0.0.1:9/", "events": ["order.paid"]}, format="json"
    )
    endpoint = endpoint.json()
    tenant_id, endpoint_id, delivery_id = "tenant1", endpoint["webhook_id"], "dlv_bad_input"
    WebhookDelivery(
        WebhookDelivery.key(tenant_id, endpoint_id),
        WebhookDelivery.sort_key(delivery_id),
        tenant_id=tenant_id,
        endpoint_id=endpoint_id,
        delivery_id=delivery_id,
        event_id="evt_bad_input",
        event_type="order.paid",
        payload="{}",
        status="failed",
        created_at=now(),
    ).save()
    return endpoint_id, delivery_id


def test_every_write_endpoint_refuses_bad_input_and_changes_nothing(
    admin, book, placed_order, client_for, cart_with, settings, review_factory, customer
):
    purchase = placed_order(admin, book, payment_method="transfer")
    cart_with(admin, book, 2)
    client_for(admin).post(f"/api/v1/users/favorites/{book.book_id}")
    client_for(admin).post(f"/api/v1/users/wishlist/{book.book_id}", {"priority": 2}, format="json")
    review = review_factory(customer, book, score=4)
    ids = {"book_id": book.book_id, "purchase_id": purchase.purchase_id, "user_id": admin.user_id, "isbn": book.isbn}
    ids["review_id"] = review.review_id
    client = client_for(admin)
    ids["webhook_id"], ids["delivery_id"] = _webhook_with_delivery(client)
    operations = write_operations()
    assert len(operations) >= 15, operations
    before = _tenant_state(admin.tenant_id)
    tried = 0
    for path, method, body_schema in operations:
        url = re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], path)
        for what, raw in _bad_bodies(body_schema, settings.DATA_UPLOAD_MAX_MEMORY_SIZE):
            response = client.generic(
                method.upper(),
                url,
                raw,
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY="0b0f5d0e-1b1a-4c9f-9a57-8f0e8c2a1d11",
            )
            where = f"{method.upper()} {path} with {what}"
            tried += 1
            assert 400 <= response.status_code < 500, f"{where}: {response.status_code} {response.content[:200]!r}"
            error = response.json()["error"]
            assert set(error) == {"code", "message", "details"}, where
        assert _tenant_state(admin.tenant_id) == before, f"{method.upper()} {path}: bad input changed data"
    assert tried >= 100
