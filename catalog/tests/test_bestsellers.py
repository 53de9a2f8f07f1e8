"""GET /api/v1/books/bestsellers (catalog/selectors.py `bestsellers_list`), fed by the purchases stream."""

import pytest

URL = "/api/v1/books/bestsellers"


@pytest.fixture
def sales(customer, book_factory, cart_with, placed_order, consume_streams):
    """Three books sold 5, 3 and 1 times (the last in another category), counted by the poller."""
    top = book_factory(title="Top", category="Fiction", stock_quantity=20)
    middle = book_factory(title="Middle", category="Fiction", stock_quantity=20)
    other = book_factory(title="Other", category="Poetry", stock_quantity=20)
    placed_order(customer, top, quantity=4)
    cart_with(customer, top, 1)
    cart_with(customer, middle, 3)
    placed_order(customer, other)
    consume_streams("--tables", "purchases")
    return top, middle, other


def titles(response) -> list[tuple[str, int]]:
    assert response.status_code == 200, response.content
    return [(r["book"]["title"], r["units_sold"]) for r in response.json()["results"]]


def test_bestsellers_by_units_then_per_category(api_client, sales, other_tenant):
    assert titles(api_client.get(URL, {"tenant_id": "tenant1"})) == [("Top", 5), ("Middle", 3), ("Other", 1)]
    assert titles(api_client.get(URL, {"tenant_id": "tenant1", "category": "fiction"})) == [("Top", 5), ("Middle", 3)]
    assert titles(api_client.get(URL, {"tenant_id": "tenant2"})) == []


def test_bestsellers_pages_and_leaves_out_books_no_longer_sold(api_client, admin_client, sales):
    top, _, _ = sales
    first = api_client.get(URL, {"tenant_id": "tenant1", "limit": 2}).json()
    assert [r["book"]["title"] for r in first["results"]] == ["Top", "Middle"]
    assert first["next"]

    response = admin_client.delete(f"/api/v1/books/{top.book_id}")
    assert response.status_code == 204, response.content

    assert titles(api_client.get(URL, {"tenant_id": "tenant1"})) == [("Middle", 3), ("Other", 1)]


def test_bestsellers_reads_one_query_and_one_batch_get(api_client, sales, dynamodb_calls):
    dynamodb_calls.clear()
    api_client.get(URL, {"tenant_id": "tenant1"})
    assert dynamodb_calls["Query"] == 1
    assert dynamodb_calls["BatchGetItem"] == 1
    assert dynamodb_calls["Scan"] == 0
