"""A listing with a filter that rarely matches reads a bounded amount per request (bookstore/pagination.py)."""

from bookstore.pagination import MAX_READ_PER_REQUEST
from catalog.services import catalog_seed


def test_a_rare_filter_returns_early_with_a_cursor_and_still_finds_every_match(
    tenant, api_client, book_factory, walk_pages, dynamodb_calls
):
    catalog_seed(tenant_id=tenant.tenant_id, target=MAX_READ_PER_REQUEST + 300, seed=5)
    rare = book_factory(language="zu")  # the newest book: the first page finds it
    dynamodb_calls.clear()

    first = api_client.get("/api/v1/books", {"language": "zu", "limit": 5}, HTTP_X_TENANT_ID=tenant.tenant_id)
    body = first.json()
    assert first.status_code == 200
    assert [b["book_id"] for b in body["results"]] == [rare.book_id]
    assert body["next"] is not None  # the read cap stopped it before the index ended
    # 30 items per Query with this filter and limit: the request stopped at the cap, not at the end.
    assert dynamodb_calls["Query"] <= MAX_READ_PER_REQUEST // 30 + 2

    found = walk_pages(
        api_client, "/api/v1/books", params={"language": "zu", "limit": 5}, HTTP_X_TENANT_ID=tenant.tenant_id
    )
    assert [b["book_id"] for b in found] == [rare.book_id]
