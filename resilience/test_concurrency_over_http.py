"""Checkout under concurrent load through the really served API (gunicorn, 2 workers, loopback).

The in-process race tests (orders/tests/test_checkout_races.py) pin the transaction
logic; these drive the same endpoints from many HTTP clients at once, so that worker
processes, connection pools and the emulator's transaction fix are all in the path.
"""

import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

pytestmark = pytest.mark.slow

CHECKOUT_BODY = {
    "payment_method": "card",
    "shipping_address": {"line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013", "country": "ES"},
}


def _post_all(base: str, requests: list[tuple[str, dict, dict]]) -> list[httpx.Response]:
    """POST every (path, headers, json) at once, one client each; the responses in order."""
    limits = httpx.Limits(max_connections=len(requests))
    with httpx.Client(base_url=base, timeout=60, limits=limits) as client, ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(lambda r: client.post(r[0], headers=r[1], json=r[2]), requests))


def test_fifty_buyers_of_ten_copies_sell_exactly_ten(
    served_api, tenant, user_factory, book_factory, cart_with, bearer, stock_of
):
    book = book_factory(stock_quantity=10)
    buyers = [user_factory(tenant) for _ in range(50)]
    for buyer in buyers:
        cart_with(buyer, book, 1)
    requests = [
        ("/api/v1/purchases/checkout", {**bearer(b), "Idempotency-Key": str(uuid.uuid4())}, CHECKOUT_BODY)
        for b in buyers
    ]

    responses = _post_all(served_api, requests)

    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 10, 409: 40}, statuses
    refusals = {r.json()["error"]["code"] for r in responses if r.status_code == 409}
    assert refusals <= {"insufficient_stock", "write_conflict"}, refusals
    assert stock_of(book) == 0
    sold = sum(item["quantity"] for r in responses if r.status_code == 201 for item in r.json()["items"])
    assert sold == 10


def test_ten_concurrent_retries_of_one_key_place_one_order_with_ten_identical_bodies(
    served_api, customer, book, cart_with, bearer, stock_of, client_for
):
    cart_with(customer, book, 2)
    headers = {**bearer(customer), "Idempotency-Key": str(uuid.uuid4())}

    responses = _post_all(served_api, [("/api/v1/purchases/checkout", headers, CHECKOUT_BODY)] * 10)

    assert [r.status_code for r in responses] == [201] * 10, [r.content for r in responses]
    assert len({r.content for r in responses}) == 1
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 9
    purchases = client_for(customer).get("/api/v1/purchases").json()["results"]
    assert [p["purchase_id"] for p in purchases] == [responses[0].json()["purchase_id"]]
    assert stock_of(book) == 8


def test_sixteen_concurrent_adds_to_a_31_line_cart_stop_at_32_lines(
    served_api, customer, book_factory, cart_with, bearer, client_for, settings
):
    for _ in range(settings.CART_MAX_LINES - 1):
        cart_with(customer, book_factory(), 1)
    books = [book_factory() for _ in range(16)]
    requests = [("/api/v1/cart/add", bearer(customer), {"book_id": b.book_id, "quantity": 1}) for b in books]

    responses = _post_all(served_api, requests)

    statuses = Counter(r.status_code for r in responses)
    assert statuses == {200: 1, 400: 15}, [r.json() for r in responses]
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 400} == {"cart_full"}
    assert len(client_for(customer).get("/api/v1/cart").json()["items"]) == settings.CART_MAX_LINES
