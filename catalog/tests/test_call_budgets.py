"""DynamoDB round trips per catalogue request, counted with botocore events (never timed).

A listing page must cost the same whatever the catalogue's size: a change that adds a round
trip, or makes one grow with the data, fails here rather than only in a benchmark.
"""

import pytest

from catalog.services import catalog_seed

BOOKS = "/api/v1/books"


@pytest.fixture
def cached_tenant(settings, tenant, api_client):
    """The tenant lookup cached, as it is between requests in a warm container."""
    settings.TENANT_CACHE_SECONDS = 60
    api_client.get(BOOKS, {"limit": 1}, HTTP_X_TENANT_ID=tenant.tenant_id)
    return tenant


@pytest.mark.parametrize("size", [100, 1000])
def test_a_listing_page_is_one_query_at_any_catalogue_size(cached_tenant, api_client, dynamodb_calls, size):
    catalog_seed(tenant_id=cached_tenant.tenant_id, target=size, seed=3)
    dynamodb_calls.clear()

    first = api_client.get(BOOKS, {"limit": 20}, HTTP_X_TENANT_ID=cached_tenant.tenant_id)
    assert first.status_code == 200
    assert len(first.json()["results"]) == 20
    assert dynamodb_calls == {"Query": 1}

    dynamodb_calls.clear()
    second = api_client.get(
        BOOKS, {"limit": 20, "cursor": first.json()["next"]}, HTTP_X_TENANT_ID=cached_tenant.tenant_id
    )
    assert second.status_code == 200
    assert dynamodb_calls == {"Query": 1}


def test_a_book_by_id_is_one_batch_get_of_the_book_and_its_stock(cached_tenant, api_client, book, dynamodb_calls):
    dynamodb_calls.clear()
    response = api_client.get(f"{BOOKS}/{book.book_id}", HTTP_X_TENANT_ID=cached_tenant.tenant_id)
    assert response.status_code == 200
    assert response.json()["stock_quantity"] == 10
    assert dynamodb_calls == {"BatchGetItem": 1}
