"""The emulator stopped mid-request: 503 with a clear message, then recovery with nothing half-written.

This test runs its own emulator and its own served API (gunicorn, 2 workers) on their own
ports, so the session emulator is untouched. The emulator process is frozen (SIGSTOP)
while a checkout is in flight, so the request has reached it and waits; then it is killed
(SIGKILL). The client must get 503 `service_unavailable`, never a 500 trace. The emulator
keeps its data in memory, so the stack is brought back as it would be after an outage of
the store it stands for: a new emulator, the tables, the shop, and a checkout that must
work, with the stock and the purchases agreeing.
"""

import threading
import uuid
from pathlib import Path

import httpx
import pytest

from testing.waiting import wait_until

pytestmark = pytest.mark.slow

ADMIN = ("admin@outage.example.com", "outage-admin-pass")
CHECKOUT_BODY = {
    "payment_method": "card",
    "shipping_address": {"line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013", "country": "ES"},
}


def _unread_bytes_on(port: int) -> int:
    """Bytes the kernel holds for loopback sockets on `port`, unread (or connections not yet accepted).

    A frozen server reads nothing: a request sent to it waits in its socket's receive queue
    (or, on a new connection, in the listening socket's accept queue), which /proc/net/tcp shows.
    """
    waiting = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, queues = fields[1], fields[4]
        if int(local.split(":")[1], 16) == port:
            waiting += int(queues.split(":")[1], 16)
    return waiting


def _shop(stack, api) -> tuple[httpx.Client, str]:
    """Tables, a tenant with an admin, a book with 5 copies and a customer with it in the cart."""
    stack.manage("create_tables")
    stack.manage(
        "create_tenant", "outage", "--name", "Outage shop", "--admin-email", ADMIN[0], "--admin-password", ADMIN[1]
    )
    client = httpx.Client(base_url=api.url, timeout=30)
    login = {"email": ADMIN[0], "password": ADMIN[1], "tenant_id": "outage"}
    admin = {"Authorization": f"Bearer {client.post('/api/v1/users/login', json=login).json()['access']}"}
    book = client.post(
        "/api/v1/books",
        headers=admin,
        json={"isbn": "9780306406157", "title": "Outage", "author": "A", "category": "Fiction", "price": "9.99",
              "stock_quantity": 5},
    )  # fmt: skip
    assert book.status_code == 201, book.text
    user = {"email": "buyer@outage.example.com", "password": "buyer-long-password", "tenant_id": "outage"}
    assert client.post("/api/v1/users/register", json=user).status_code == 201
    token = client.post("/api/v1/users/login", json=user).json()["access"]
    client.headers["Authorization"] = f"Bearer {token}"
    assert client.post("/api/v1/cart/add", json={"book_id": book.json()["book_id"], "quantity": 2}).status_code == 200
    return client, book.json()["book_id"]


def test_emulator_killed_mid_checkout_is_503_then_the_next_request_works(tmp_path):
    from local_stack.processes import Stack, free_port

    stack = Stack(emulator_port=free_port(), log_dir=tmp_path)
    emulator = stack.start_emulator()
    api = stack.serve_api(workers=2)
    try:
        client, _ = _shop(stack, api)
        emulator.freeze()
        outcome = {}
        in_flight = threading.Thread(
            target=lambda: outcome.update(
                response=client.post(
                    "/api/v1/purchases/checkout", json=CHECKOUT_BODY, headers={"Idempotency-Key": str(uuid.uuid4())}
                )
            )
        )
        in_flight.start()
        wait_until(lambda: _unread_bytes_on(emulator.port), what="the checkout waiting on the frozen emulator")
        emulator.kill()
        in_flight.join(60)
        response = outcome["response"]
        assert response.status_code == 503, response.text
        error = response.json()["error"]
        assert error["code"] == "service_unavailable"
        assert "unavailable" in error["message"]
        assert int(response.headers["Retry-After"]) > 0
        # While it is down, every request is a 503 too, not a 500.
        assert client.get("/api/v1/cart").status_code == 503

        emulator = stack.start_emulator()
        client, book_id = _shop(stack, api)
        placed = client.post(
            "/api/v1/purchases/checkout", json=CHECKOUT_BODY, headers={"Idempotency-Key": str(uuid.uuid4())}
        )
        assert placed.status_code == 201, placed.text
        purchases = client.get("/api/v1/purchases").json()["results"]
        stock = client.get(f"/api/v1/books/{book_id}").json()["stock_quantity"]
        assert (len(purchases), stock) == (1, 3)
        assert client.get("/api/v1/cart").json()["items"] == []
    finally:
        api.stop()
        emulator.stop()
