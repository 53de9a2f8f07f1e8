"""What a request consumed, in its log line (bookstore/usage.py, bookstore/dynamodb/capacity.py).

The emulator (moto) answers ConsumedCapacity when asked, but with placeholder figures: 0.5
for a GetItem or an UpdateItem, 1.0 for a Query, a Scan, a PutItem or a DeleteItem, one unit
per key of a BatchGetItem, 2 per item of a TransactGetItems, and nothing for a
TransactWriteItems. So these tests compare
the logged units with what the emulator reported for the same request, seen by a hook of the
test's own on every client: that proves every call asked for TOTAL and every reported unit
was summed into the request's line, not that the figures are AWS's (the capacity model,
benchmarks/capacity.py, holds those). `consumed_units` is checked on the response shapes
AWS documents.
"""

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from rest_framework.test import APIClient

from bookstore.dynamodb.base import connection
from bookstore.dynamodb.capacity import DATA_OPERATIONS, consumed_units
from bookstore.dynamodb.registry import registered_models

ADDRESS = {"line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013", "country": "ES"}


@pytest.fixture
def request_lines():
    """The request log's records, as the middleware writes them."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("bookstore.request")
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


@contextmanager
def emulator_reports() -> Iterator[dict]:
    """What the emulator reported while the block runs: {"units": total CapacityUnits, "asked": [...], "calls": n}."""
    seen = {"units": 0.0, "asked": [], "calls": 0}

    def asked(model, params, **kwargs):
        if model.name in DATA_OPERATIONS:
            seen["asked"].append(json.loads(params["body"] or b"{}").get("ReturnConsumedCapacity"))

    def reported(model, parsed, **kwargs):
        if model.name in DATA_OPERATIONS:
            seen["calls"] += 1
            capacity = parsed.get("ConsumedCapacity") or []
            for entry in [capacity] if isinstance(capacity, dict) else capacity:
                seen["units"] += entry.get("CapacityUnits", 0)

    clients = {
        id(c): c for c in [connection().client] + [m._get_connection().connection.client for m in registered_models()]
    }
    for client in clients.values():
        client.meta.events.register("before-call.dynamodb", asked)
        client.meta.events.register("after-call.dynamodb", reported)
    try:
        yield seen
    finally:
        for client in clients.values():
            client.meta.events.unregister("before-call.dynamodb", asked)
            client.meta.events.unregister("after-call.dynamodb", reported)


def test_a_read_logs_the_units_the_emulator_reported_with_the_tenant(
    request_lines, customer, customer_client, cart_with, book
):
    cart_with(customer, book, 2)
    with emulator_reports() as seen:
        assert customer_client.get("/api/v1/cart").status_code == 200

    (line,) = request_lines
    assert seen["calls"] >= 2
    assert seen["asked"] == ["TOTAL"] * seen["calls"]
    assert seen["units"] > 0
    assert (line.tenant, line.read_units, line.write_units) == (customer.tenant_id, seen["units"], 0)


def test_a_checkout_asks_every_call_for_its_capacity_and_logs_the_sum(
    request_lines, customer, customer_client, cart_with, book
):
    cart_with(customer, book, 1)
    with emulator_reports() as seen:
        response = customer_client.post(
            "/api/v1/purchases/checkout",
            {"payment_method": "card", "shipping_address": ADDRESS},
            format="json",
            HTTP_IDEMPOTENCY_KEY="0f3c2b1a-9e8d-4c7b-a6f5-e4d3c2b1a098",
        )

    assert response.status_code == 201
    (line,) = request_lines
    assert seen["asked"] == ["TOTAL"] * seen["calls"]
    assert line.read_units + line.write_units == seen["units"]
    assert line.tenant == customer.tenant_id


def test_each_request_starts_its_own_tally(request_lines, tenant, book):
    client = APIClient()
    for _ in range(2):
        client.get(f"/api/v1/books/{book.book_id}", HTTP_X_TENANT_ID=tenant.tenant_id)
    first, second = request_lines
    assert first.read_units > 0
    assert 0 < second.read_units <= first.read_units  # not the first one's plus its own


def test_a_search_logs_its_engine_time(request_lines, tenant, book_factory, index_books):
    index_books(book_factory(title="Clean Code"))
    response = APIClient().get("/api/v1/books/search", {"q": "clean"}, HTTP_X_TENANT_ID=tenant.tenant_id)

    assert response.status_code == 200
    (line,) = request_lines
    assert line.search_calls == 1
    assert isinstance(line.search_ms, int)
    assert line.search_ms >= 0
    assert line.tenant == tenant.tenant_id


@pytest.mark.parametrize(
    ("operation", "response", "units"),
    [
        ("GetItem", {"ConsumedCapacity": {"TableName": "t", "CapacityUnits": 0.5}}, (0.5, 0.0)),
        ("PutItem", {"ConsumedCapacity": {"TableName": "t", "CapacityUnits": 2.0}}, (0.0, 2.0)),
        (
            "BatchGetItem",
            {"ConsumedCapacity": [{"TableName": "a", "CapacityUnits": 1.5}, {"TableName": "b", "CapacityUnits": 1.0}]},
            (2.5, 0.0),
        ),
        (
            "TransactWriteItems",
            {
                "ConsumedCapacity": [
                    {"TableName": "a", "CapacityUnits": 4.0, "WriteCapacityUnits": 4.0},
                    {"TableName": "b", "CapacityUnits": 2.0, "WriteCapacityUnits": 2.0},
                ]
            },
            (0.0, 6.0),
        ),
        ("UpdateItem", {}, (0.0, 0.0)),
    ],
)
def test_consumed_units_read_the_shapes_aws_documents(operation, response, units):
    assert consumed_units(operation, response) == units
