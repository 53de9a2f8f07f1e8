"""Per-tenant plan rate limits (bookstore/ratelimit.py: tenant_rate_limit_hit, bookstore/api.py: TenantAPIView)."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from bookstore.models import RateLimitCounter, Tenant
from bookstore.ratelimit import PLAN_CHUNK, PlanCounters, counter_key, current_window, plan_chunk, plan_window

BOOKS = "/api/v1/books"


@pytest.fixture
def anon_client_for():
    """`anon_client_for(tenant)`: an anonymous API client naming the tenant in X-Tenant-ID."""
    from rest_framework.test import APIClient

    def make(shop):
        client = APIClient()
        client.credentials(HTTP_X_TENANT_ID=shop.tenant_id)
        return client

    return make


@pytest.fixture
def limits_on(settings, clock):
    """Limits on, with a tiny plan: 3 requests per 1-second window (rate 3, burst 3)."""
    settings.TENANT_RATE_LIMITS_ENABLED = True
    settings.TENANT_PLANS = {**settings.TENANT_PLANS, "tiny": {"rate": 3, "burst": 3}}
    clock.set(clock.now().replace(microsecond=0))
    return clock


@pytest.fixture
def tiny_tenant(tenant_factory, limits_on):
    from bookstore.tenants import tenant_set_plan

    shop = tenant_factory()
    tenant_set_plan(tenant_id=shop.tenant_id, plan="tiny")
    return shop


def test_plans_turn_into_one_fixed_window(settings):
    assert plan_window("basic") == (100, 2)
    assert plan_window("standard") == (200, 2)
    assert plan_window("premium") == (300, 1)


def test_over_the_plan_an_anonymous_caller_gets_429_with_retry_after(anon_client_for, tiny_tenant):
    client = anon_client_for(tiny_tenant)
    assert [client.get(BOOKS).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(BOOKS)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"
    assert refused["Retry-After"] == "1"


def test_a_forged_forwarded_for_header_does_not_buy_a_fresh_counter(anon_client_for, tiny_tenant):
    client = anon_client_for(tiny_tenant)
    codes = [client.get(BOOKS, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code for n in range(5)]
    assert codes == [200, 200, 200, 429, 429]


def test_the_next_window_admits_again(anon_client_for, tiny_tenant, limits_on):
    client = anon_client_for(tiny_tenant)
    for _ in range(4):
        client.get(BOOKS)
    limits_on.advance(timedelta(seconds=1))
    assert client.get(BOOKS).status_code == 200


def test_each_user_and_each_tenant_has_its_own_counter(
    tiny_tenant, tenant_factory, user_factory, client_for, anon_client_for
):
    first, second = user_factory(tiny_tenant), user_factory(tiny_tenant)
    for _ in range(3):
        assert client_for(first).get("/api/v1/cart").status_code == 200
    assert client_for(first).get("/api/v1/cart").status_code == 429
    assert client_for(second).get("/api/v1/cart").status_code == 200
    assert anon_client_for(tenant_factory()).get(BOOKS).status_code == 200  # standard plan, other tenant


def test_a_request_costs_one_write_and_a_refused_one_none(anon_client_for, tiny_tenant, api_client, dynamodb_calls):
    client = anon_client_for(tiny_tenant)
    dynamodb_calls.clear()
    client.get(BOOKS)
    assert dynamodb_calls["UpdateItem"] == 1

    dynamodb_calls.clear()
    assert api_client.get("/api/v1/cart").status_code == 401
    assert api_client.get(BOOKS, HTTP_X_TENANT_ID="no-such-shop").status_code == 404
    assert dynamodb_calls["UpdateItem"] == 0


def test_the_chunk_is_at_most_a_tenth_of_the_limit():
    assert [plan_chunk(limit) for limit in (3, 19, 20, 50, 100, 200, 300)] == [1, 1, 2, 5, 10, 10, 10]
    assert PLAN_CHUNK == 10


def test_on_a_real_plan_a_shoppers_requests_write_once_per_chunk(anon_client_for, tenant, limits_on, dynamodb_calls):
    client = anon_client_for(tenant)  # standard plan: 200 per 2 s, so a chunk of 10
    dynamodb_calls.clear()
    assert [client.get(BOOKS).status_code for _ in range(9)] == [200] * 9
    assert dynamodb_calls["UpdateItem"] == 0  # held in this container's memory
    assert client.get(BOOKS).status_code == 200
    assert dynamodb_calls["UpdateItem"] == 1  # the tenth writes all ten


def test_one_container_admits_exactly_the_limit(limits_on, dynamodb_calls):
    counters = PlanCounters()
    admitted = [counters.hit(scope="plan#t", subject="ip:1", limit=100, window_seconds=2) is None for _ in range(150)]
    assert admitted == [True] * 100 + [False] * 50
    assert dynamodb_calls["UpdateItem"] == 10 + 1  # ten chunks, then the hit that finds the count full


def test_two_containers_pass_the_limit_by_at_most_a_chunk_each_under_concurrency(limits_on, dynamodb_calls):
    """Two containers (two PlanCounters), four request threads each, 480 hits on a limit of 100."""
    limit, window, chunk = 100, 2, plan_chunk(100)
    containers = [PlanCounters(), PlanCounters()]
    admitted: list[bool] = []
    start = threading.Barrier(8)

    def shopper(counters: PlanCounters) -> None:
        start.wait()
        for _ in range(60):
            refused = counters.hit(scope="plan#t", subject="user:u", limit=limit, window_seconds=window)
            admitted.append(refused is None)

    threads = [threading.Thread(target=shopper, args=(c,)) for c in containers for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert limit <= sum(admitted) <= limit + (chunk - 1) * len(containers)
    written = RateLimitCounter.get(counter_key(scope="plan#t", subject="user:u", window=current_window(window))).hits
    assert written >= sum(admitted) - (chunk - 1) * len(containers)  # what is not written is held, at most k-1 each
    # Concurrent requests in one container write their own hits rather than wait: still under half.
    assert dynamodb_calls["UpdateItem"] * 2 <= sum(admitted)


def test_off_by_default_in_tests(tenant, anon_client_for, dynamodb_calls):
    client = anon_client_for(tenant)
    dynamodb_calls.clear()
    assert client.get(BOOKS).status_code == 200
    assert dynamodb_calls["UpdateItem"] == 0


def test_create_tenant_with_a_plan_and_set_tenant_plan():
    out = StringIO()
    call_command("create_tenant", "acme", "--name", "Acme", "--plan", "premium", stdout=out)
    assert "plan premium" in out.getvalue()
    assert Tenant.get(Tenant.key("acme"), Tenant.SORT_KEY).plan == "premium"

    call_command("set_tenant_plan", "acme", "basic", stdout=out)
    assert Tenant.get(Tenant.key("acme"), Tenant.SORT_KEY).plan == "basic"

    with pytest.raises(CommandError, match="No such plan"):
        call_command("set_tenant_plan", "acme", "platinum")
    with pytest.raises(CommandError, match="Tenant not found"):
        call_command("set_tenant_plan", "nobody", "basic")
