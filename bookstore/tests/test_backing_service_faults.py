"""DynamoDB unreachable or throttled is a 503 with Retry-After, never a 500 (bookstore/errors.py).

Faults are injected with a botocore `before-send` hook on every model's client, the one
sanctioned fault injection: the request never leaves, exactly as when the emulator is down
or DynamoDB answers with throttling.
"""

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import EndpointConnectionError

from bookstore.dynamodb.base import connection
from bookstore.dynamodb.registry import registered_models

THROTTLED_BODY = (
    b'{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",'
    b'"message":"The level of configured provisioned throughput for the table was exceeded."}'
)


class _Raw:
    def __init__(self, body: bytes):
        self._body = body

    def stream(self, **kwargs):
        yield self._body


@pytest.fixture
def inject():
    """`inject(fault, times=None)`: every DynamoDB request (or the next `times`) meets `fault` instead.

    It returns a function that heals the fault.
    """
    clients = {
        id(c): c for c in [connection().client] + [m._get_connection().connection.client for m in registered_models()]
    }
    hooks = []

    def install(fault, times=None):
        remaining = [times]

        def hook(request, **kwargs):
            if remaining[0] is not None:
                if remaining[0] == 0:
                    return None
                remaining[0] -= 1
            return fault(request)

        for client in clients.values():
            client.meta.events.register_first("before-send.dynamodb", hook)
        hooks.append(hook)

        def heal():
            remaining[0] = 0

        return heal

    yield install
    for hook in hooks:
        for client in clients.values():
            client.meta.events.unregister("before-send.dynamodb", hook)


def unreachable(request):
    raise EndpointConnectionError(endpoint_url=request.url)


def throttled(request):
    headers = {"x-amzn-RequestId": "fault", "Content-Type": "application/x-amz-json-1.0"}
    return AWSResponse(request.url, 400, headers, _Raw(THROTTLED_BODY))


def test_an_unreachable_database_is_503_with_retry_after(api_client, tenant, inject):
    inject(unreachable)
    response = api_client.get("/api/v1/books", HTTP_X_TENANT_ID=tenant.tenant_id)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "service_unavailable"
    assert int(response["Retry-After"]) > 0


def test_a_write_that_cannot_reach_the_database_is_503_and_changes_nothing(customer_client, book, inject):
    heal = inject(unreachable)
    response = customer_client.post("/api/v1/cart/add", {"book_id": book.book_id, "quantity": 1}, format="json")
    assert response.status_code == 503
    heal()
    assert customer_client.get("/api/v1/cart").json()["items"] == []
    assert customer_client.post("/api/v1/cart/add", {"book_id": book.book_id}, format="json").status_code == 200


def test_throttling_past_the_retries_is_503(api_client, tenant, inject):
    inject(throttled)
    response = api_client.get("/api/v1/books", HTTP_X_TENANT_ID=tenant.tenant_id)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "service_unavailable"
    assert "Retry-After" in response


def test_one_throttled_request_is_retried_and_succeeds(api_client, tenant, inject, book):
    inject(throttled, times=1)
    response = api_client.get(f"/api/v1/books/{book.book_id}", HTTP_X_TENANT_ID=tenant.tenant_id)
    assert response.status_code == 200
    assert response.json()["book_id"] == book.book_id
