"""DynamoDB round trips of the cart, its writes and checkout, counted with botocore events (never timed)."""

import pytest


@pytest.fixture
def warm_tenant_cache(settings, tenant):
    settings.TENANT_CACHE_SECONDS = 60
    return tenant


@pytest.mark.parametrize("full", [False, True])
def test_viewing_the_cart_is_one_query_and_one_batch_get(
    warm_tenant_cache, customer, customer_client, book_factory, cart_with, dynamodb_calls, full, settings
):
    lines = settings.CART_MAX_LINES if full else 1
    for _ in range(lines):
        cart_with(customer, book_factory(), 1)
    assert customer_client.get("/api/v1/cart").status_code == 200  # warms the tenant cache
    dynamodb_calls.clear()

    response = customer_client.get("/api/v1/cart")
    assert response.status_code == 200
    assert len(response.json()["items"]) == lines
    assert dynamodb_calls == {"Query": 1, "BatchGetItem": 1}


def test_checkout_is_at_most_three_reads_and_one_transaction(
    warm_tenant_cache, customer, customer_client, book_factory, cart_with, http_checkout, dynamodb_calls
):
    for _ in range(5):
        cart_with(customer, book_factory(), 2)
    assert customer_client.get("/api/v1/cart").status_code == 200
    dynamodb_calls.clear()

    assert http_checkout(customer_client).status_code == 201
    assert dynamodb_calls["TransactWriteItems"] == 1
    reads = sum(n for operation, n in dynamodb_calls.items() if operation != "TransactWriteItems")
    assert reads <= 3, dynamodb_calls


def test_cart_writes_are_one_query_and_one_transaction(
    warm_tenant_cache, customer, customer_client, book_factory, cart_with, dynamodb_calls
):
    kept, removed, added = book_factory(), book_factory(), book_factory()
    cart_with(customer, kept, 1)
    cart_with(customer, removed, 1)
    assert customer_client.get("/api/v1/cart").status_code == 200  # warms the tenant cache

    dynamodb_calls.clear()
    assert customer_client.post("/api/v1/cart/add", {"book_id": added.book_id}, format="json").status_code == 200
    # the book with its stock, the cart with its header, the cart's books, then the line and header together
    assert dynamodb_calls == {"BatchGetItem": 2, "Query": 1, "TransactWriteItems": 1}

    dynamodb_calls.clear()
    assert customer_client.delete(f"/api/v1/cart/items/{removed.book_id}").status_code == 204
    assert dynamodb_calls == {"Query": 1, "TransactWriteItems": 1}

    dynamodb_calls.clear()
    assert customer_client.delete("/api/v1/cart").status_code == 204
    assert dynamodb_calls == {"Query": 1, "TransactWriteItems": 1}
