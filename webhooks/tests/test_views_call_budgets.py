"""DynamoDB calls per webhook admin endpoint, as docs/api/webhooks.md lists them (a warm container: tenant cached)."""

import pytest

WEBHOOKS = "/api/v1/admin/webhooks"


@pytest.fixture
def world(settings, admin_client, webhook_factory, delivery_factory, tenant):
    """An endpoint with a delivery, and the tenant lookup cached as in a warm container."""
    settings.TENANT_CACHE_SECONDS = 60
    endpoint = webhook_factory(tenant)
    delivery = delivery_factory(endpoint)
    admin_client.get(WEBHOOKS)
    return f"{WEBHOOKS}/{endpoint.endpoint_id}", f"{WEBHOOKS}/{endpoint.endpoint_id}/deliveries/{delivery.delivery_id}"


@pytest.mark.parametrize(
    ("method", "where", "body", "status", "calls"),
    [
        ("post", "{list}", {"url": "http://127.0.0.1:9/x", "events": ["order.paid"]}, 201, {"Query": 2, "PutItem": 1}),
        ("get", "{list}", None, 200, {"Query": 1}),
        ("get", "{endpoint}", None, 200, {"GetItem": 1}),
        ("patch", "{endpoint}", {"active": True}, 200, {"GetItem": 1, "UpdateItem": 1}),
        ("post", "{endpoint}/rotate-secret", None, 201, {"GetItem": 1, "UpdateItem": 1}),
        ("get", "{endpoint}/deliveries", None, 200, {"GetItem": 1, "Query": 1}),
        ("get", "{delivery}", None, 200, {"GetItem": 1}),
        ("post", "{delivery}/redeliver", None, 202, {"GetItem": 1, "UpdateItem": 1}),
        ("delete", "{endpoint}", None, 204, {"DeleteItem": 1}),
    ],
)
def test_each_endpoint_makes_its_documented_calls(
    admin_client, world, dynamodb_calls, outbound_queue, method, where, body, status, calls
):
    endpoint_url, delivery_url = world
    url = where.format(list=WEBHOOKS, endpoint=endpoint_url, delivery=delivery_url)
    dynamodb_calls.clear()
    response = getattr(admin_client, method)(url, body, format="json")
    assert response.status_code == status, response.content
    assert dict(dynamodb_calls) == calls
