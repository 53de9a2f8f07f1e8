"""Which tenant a request is for (bookstore/tenancy.py): an address naming unknown tenants is limited cheaply.

A `tenant_not_found` spends one of the address's tokens (UNKNOWN_TENANT_THROTTLE_PER_IP, per
process); an address out of tokens gets 429 before any DynamoDB read.
"""

from datetime import timedelta

import pytest

BOOKS = "/api/v1/books"
SCANNER, NEIGHBOUR = "203.0.113.99", "198.51.100.4"


@pytest.fixture
def small_bucket(settings, clock):
    """Three unknown tenants per minute per address; one token back every 20 seconds."""
    settings.UNKNOWN_TENANT_THROTTLE_PER_IP = (3, 60)
    clock.set(clock.now().replace(microsecond=0))
    return clock


def books(api_client, tenant_id, address):
    return api_client.get(BOOKS, HTTP_X_TENANT_ID=tenant_id, REMOTE_ADDR=address)


def test_an_address_naming_unknown_tenants_gets_429_without_a_read(api_client, small_bucket, dynamodb_calls):
    answers = [books(api_client, f"no-such-shop-{n}", SCANNER) for n in range(3)]
    assert [a.status_code for a in answers] == [404] * 3
    assert {a.json()["error"]["code"] for a in answers} == {"tenant_not_found"}

    dynamodb_calls.clear()
    refused = books(api_client, "no-such-shop-4", SCANNER)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"
    assert refused["Retry-After"] == "20"
    assert sum(dynamodb_calls.values()) == 0

    assert books(api_client, "no-such-shop-5", NEIGHBOUR).status_code == 404  # its own bucket
    small_bucket.advance(timedelta(seconds=20))
    assert books(api_client, "no-such-shop-6", SCANNER).status_code == 404
    assert books(api_client, "no-such-shop-7", SCANNER).status_code == 429


def test_a_shop_this_process_knows_is_still_served_to_that_address(api_client, tenant, small_bucket, settings):
    settings.TENANT_CACHE_SECONDS = 30
    assert books(api_client, tenant.tenant_id, SCANNER).status_code == 200  # now cached as active
    for n in range(3):
        books(api_client, f"no-such-shop-{n}", SCANNER)
    assert books(api_client, "no-such-shop-4", SCANNER).status_code == 429
    assert books(api_client, tenant.tenant_id, SCANNER).status_code == 200


def test_unknown_tenants_write_nothing_even_with_plan_limits_on(api_client, small_bucket, settings, dynamodb_calls):
    settings.TENANT_RATE_LIMITS_ENABLED = True
    dynamodb_calls.clear()
    codes = [books(api_client, f"no-such-shop-{n}", SCANNER).status_code for n in range(5)]
    assert codes == [404, 404, 404, 429, 429]
    assert dynamodb_calls["GetItem"] == 3
    assert dynamodb_calls["UpdateItem"] == 0


def test_a_slug_that_cannot_be_a_tenant_is_counted_too(api_client, small_bucket):
    codes = [books(api_client, "X" * 80, SCANNER).status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]
