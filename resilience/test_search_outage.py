"""The search engine stopped: search is 503, everything else works, and the index catches up afterwards.

The stack runs as separate processes, as `make run` runs it: the API served by gunicorn
(2 workers), a noida-db of this test's own (data folder and port), and the stream poller
(`consume_streams`) following every stream. All three use the session emulator, so the test
builds its world with the factories and reads the tables directly. With the engine stopped,
search and suggest answer 503 `search_unavailable` while the listing, a book, the cart,
checkout and the admin's catalogue writes keep working; the poller keeps retrying the book
changes made meanwhile and parks none of them. Once noida-db is started again on the same
port and data folder, the poller catches up by itself and the index holds exactly the
tenant's active books, each with its current title and price.
"""

import uuid

import httpx
import pytest

from testing.waiting import wait_until

pytestmark = pytest.mark.slow

TENANT = {"X-Tenant-ID": "tenant1"}
CHECKOUT_BODY = {
    "payment_method": "card",
    "shipping_address": {"line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013", "country": "ES"},
}


def _walk(client: httpx.Client, url: str) -> list[dict]:
    """Every item of a cursor-paginated list (books listing or search), page by page."""
    items, params = [], {"limit": 100}
    while True:
        response = client.get(url, params=params, headers=TENANT)
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["results"]
        if not body["next"]:
            return items
        params["cursor"] = body["next"]


def _shown(books: list[dict]) -> dict[str, tuple[str, str]]:
    return {book["book_id"]: (book["title"], book["price"]) for book in books}


def _indexed(client: httpx.Client) -> dict[str, tuple[str, str]] | None:
    """What a search for everything finds (None while search is unavailable)."""
    if client.get("/api/v1/books/search", headers=TENANT).status_code != 200:
        return None
    return _shown(_walk(client, "/api/v1/books/search"))


@pytest.fixture
def own_search_engine(tmp_path):
    """A noida-db of this test's own, which it stops and starts again on the same port and data folder."""
    from local_stack.processes import free_port
    from local_stack.search_engine import start_search_engine

    engine = start_search_engine(port=free_port(), data_dir=tmp_path / "noida-db")
    yield engine
    engine.stop()


def test_search_down_is_503_the_rest_works_and_the_index_catches_up(
    streams_from_now, tmp_path, own_search_engine, tenant, admin, customer, book_factory, new_isbn, bearer, settings
):
    from local_stack.processes import Stack
    from streams.models import ParkedRecord

    books = [book_factory(title=f"Outage volume {n}", stock_quantity=20) for n in range(4)]
    stack = Stack(
        emulator_port=settings.EMULATOR_PORT,
        log_dir=tmp_path,
        extra_env={
            "SEARCH_PORT": str(own_search_engine.port),
            "STREAMS_RETRY_BACKOFF_SECONDS": "0.2",
            "STREAMS_MAX_BACKOFF_SECONDS": "1",
        },
    )
    api = stack.serve_api(workers=2)
    poller = stack.start_poller()
    client = httpx.Client(base_url=api.url, timeout=30)
    try:
        wait_until(lambda: _indexed(client) == _shown(_walk(client, "/api/v1/books")), what="the first books indexed")

        own_search_engine.stop()

        for url in ("/api/v1/books/search?q=outage", "/api/v1/books/suggest?q=outa"):
            response = client.get(url, headers=TENANT)
            assert response.status_code == 503, response.text
            error = response.json()["error"]
            assert error["code"] == "search_unavailable"
            assert "search engine is unavailable" in error["message"]
        health = client.get("/api/v1/health")
        assert (health.status_code, health.json()["services"]) == (200, {"search": "unavailable"})

        # Everything that does not need the engine keeps working, catalogue writes included.
        assert len(_walk(client, "/api/v1/books")) == 4
        assert client.get(f"/api/v1/books/{books[0].book_id}", headers=TENANT).status_code == 200
        buyer = bearer(customer)
        added = client.post("/api/v1/cart/add", json={"book_id": books[0].book_id, "quantity": 2}, headers=buyer)
        assert added.status_code == 200, added.text
        placed = client.post(
            "/api/v1/purchases/checkout", json=CHECKOUT_BODY, headers={**buyer, "Idempotency-Key": str(uuid.uuid4())}
        )
        assert placed.status_code == 201, placed.text
        staff = bearer(admin)
        created = client.post(
            "/api/v1/books",
            headers=staff,
            json={"isbn": new_isbn(), "title": "Written during the outage", "author": "A. Uthor",
                  "category": "Fiction", "price": "12.50", "stock_quantity": 3},
        )  # fmt: skip
        assert created.status_code == 201, created.text
        edited = client.patch(
            f"/api/v1/books/{books[1].book_id}", json={"title": "Renamed while down", "price": "7.25"}, headers=staff
        )
        assert edited.status_code == 200, edited.text
        assert client.delete(f"/api/v1/books/{books[2].book_id}", headers=staff).status_code == 204

        # The poller tries those changes more often than STREAMS_MAX_ATTEMPTS, and parks none.
        failures = "Stream record failed: table=books"
        wait_until(
            lambda: poller.log.read_text().count(failures) > settings.STREAMS_MAX_ATTEMPTS,
            what="the poller retrying the book changes",
        )
        assert list(ParkedRecord.query("books")) == []
        assert poller.process.poll() is None

        own_search_engine.start()

        table = _shown(_walk(client, "/api/v1/books"))
        index = wait_until(lambda: (found := _indexed(client)) == table and found, what="the index matching")
        assert index == table
        assert index[created.json()["book_id"]] == ("Written during the outage", "12.50")
        assert index[books[1].book_id] == ("Renamed while down", "7.25")
        assert books[2].book_id not in index
        assert client.get("/api/v1/books/search?q=renamed", headers=TENANT).json()["total"] == 1
        assert list(ParkedRecord.query("books")) == []
    finally:
        client.close()
        poller.stop()
        api.stop()
