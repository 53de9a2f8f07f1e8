"""`make run` keeps every acknowledged write across a crash (kill -9) and a clean stop (SIGTERM) under traffic.

One run (`local_stack.processes.LocalRun`: `python -m local_stack.serve` in its own process,
with its own state folder and a 20-book demo catalogue) is crashed at a random moment while
buyers check out one book, restarted, and looked at (`state_probe`, in a process of its own),
five times; then it is stopped with SIGTERM under the same traffic and restarted once more.
After every restart: stock + sold = the initial stock, every purchase has its idempotency
record, the sales counter equals the copies sold, the data lake holds exactly the purchases,
the search index holds exactly the active books, and every checkout answered 201 is there.
A logged-out refresh token stays revoked, and a password change stays, across a crash.
"""

import json
import random
import threading
import time
import uuid

import httpx
import pytest

from local_stack.processes import LocalRun

pytestmark = pytest.mark.slow

BUYERS = 3
CRASHES = 5
STOCK = 1000
ADMIN = {"email": "admin@tenant1.example.com", "password": "tenant1-admin-pass", "tenant_id": "tenant1"}
ANA = {"email": "ana@example.com", "password": "a-long-password-1", "tenant_id": "tenant1"}
NEW_PASSWORD = "another-long-password-2"
CHECKOUT_BODY = {
    "payment_method": "card",
    "shipping_address": {"line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013", "country": "ES"},
}


def _login(run: LocalRun, credentials: dict) -> dict:
    response = httpx.post(run.url("users/login"), json=credentials, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def _bearer(tokens: dict) -> dict:
    return {"Authorization": f"Bearer {tokens['access']}"}


class Buyers:
    """BUYERS customers checking out one copy of a book in a loop until the server stops answering."""

    def __init__(self, run: LocalRun, book_id: str, tokens: list[dict]):
        self.run, self.book_id, self.tokens = run, book_id, tokens
        self.acknowledged: list[str] = []  # purchase ids answered 201
        self._threads: list[threading.Thread] = []
        self._done = threading.Event()

    def _buy(self, tokens: dict) -> None:
        with httpx.Client(headers=_bearer(tokens), timeout=30) as client:
            while not self._done.is_set():
                try:
                    client.post(self.run.url("cart/add"), json={"book_id": self.book_id, "quantity": 1})
                    response = client.post(
                        self.run.url("purchases/checkout"),
                        json=CHECKOUT_BODY,
                        headers={"Idempotency-Key": str(uuid.uuid4())},
                    )
                except httpx.HTTPError:  # the server is gone: whatever was in flight got no answer
                    return
                if response.status_code == 201:
                    self.acknowledged.append(response.json()["purchase_id"])

    def __enter__(self) -> "Buyers":
        self._done.clear()
        self._threads = [threading.Thread(target=self._buy, args=(t,)) for t in self.tokens]
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        for thread in self._threads:
            thread.join(60)


def _check(run: LocalRun, *, book_id: str, acknowledged: list[str]) -> dict:
    """Every invariant after a restart; returns the probe."""
    state = json.loads(run.run_python("-m", "local_stack.tests.state_probe", "tenant1", book_id))
    placed = [p for p in state["purchases"] if p["status"] != "cancelled"]
    ids = {p["id"] for p in state["purchases"]}
    sold = sum(p["copies"] for p in placed)
    assert state["stock"] + sold == STOCK, run.output()
    assert ids <= set(state["idempotency"]), "a purchase without its idempotency record"
    assert state["units_sold"] == sold
    assert state["pairs"] == 0  # one book per purchase: no co-purchases
    assert set(state["lake"].get("purchased", [])) == ids
    assert not state["lake"].get("cancelled")
    assert state["search_ids"] == state["active_books"]
    lost = set(acknowledged) - ids
    assert not lost, f"{len(lost)} purchases answered 201 are gone"
    return state


def test_a_crash_or_a_stop_under_checkouts_loses_no_acknowledged_order(tmp_path):
    rng = random.Random()
    run = LocalRun(state=tmp_path / "state").start()
    try:
        admin = _login(run, ADMIN)
        book_id = httpx.get(run.url("books?tenant_id=tenant1&limit=1")).json()["results"][0]["book_id"]
        patched = httpx.patch(run.url(f"books/{book_id}"), json={"stock_quantity": STOCK}, headers=_bearer(admin))
        assert patched.status_code == 200, patched.text
        tokens = []
        for n in range(BUYERS):
            buyer = {**ANA, "email": f"buyer{n}@example.com"}
            httpx.post(run.url("users/register"), json={**buyer, "first_name": "B", "last_name": str(n)})
            tokens.append(_login(run, buyer))
        # Ana logs out of one session and changes her password: both must survive the crash.
        httpx.post(run.url("users/register"), json={**ANA, "first_name": "Ana", "last_name": "López"})
        ana, other_session = _login(run, ANA), _login(run, ANA)
        assert httpx.post(run.url("users/logout"), json={"refresh": other_session["refresh"]}).status_code == 204
        time.sleep(1)  # token times are whole seconds: the change revokes tokens of earlier seconds
        changed = httpx.post(
            run.url("users/password"),
            json={"current_password": ANA["password"], "new_password": NEW_PASSWORD},
            headers=_bearer(ana),
        )
        assert changed.status_code == 204, changed.text

        acknowledged: list[str] = []
        for crash in range(CRASHES):
            with Buyers(run, book_id, tokens) as buyers:
                time.sleep(rng.uniform(0.5, 2.5))
                run.kill()
            acknowledged += buyers.acknowledged
            run.start()
            assert "Replayed" in run.output()
            assert "Reconciling" in run.output()
            _check(run, book_id=book_id, acknowledged=acknowledged)
            if crash == 0:
                refreshed = httpx.post(run.url("users/token/refresh"), json={"refresh": other_session["refresh"]})
                assert refreshed.status_code == 401, "a logged-out refresh token works again"
                old = httpx.post(run.url("users/login"), json=ANA)
                assert old.status_code == 401, "the password from before the change works again"
                _login(run, {**ANA, "password": NEW_PASSWORD})
        assert len(acknowledged) >= CRASHES, "the buyers hardly bought: the loop tested nothing"

        with Buyers(run, book_id, tokens) as buyers:
            time.sleep(rng.uniform(0.5, 1.5))
            assert run.stop() == 0, run.output()
        assert "requests were in flight" in run.output()
        assert "Saved snapshot" in run.output()
        acknowledged += buyers.acknowledged
        run.start()
        _check(run, book_id=book_id, acknowledged=acknowledged)
    finally:
        run.kill()
