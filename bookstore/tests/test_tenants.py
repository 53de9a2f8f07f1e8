"""The tenants registry and its cache (bookstore/tenants.py)."""

import pytest

from bookstore.errors import ApplicationError
from bookstore.models import Tenant
from bookstore.tenants import (
    TENANT_CACHE_SIZE,
    TenancyError,
    tenant_cache,
    tenant_create,
    tenant_is_active,
    tenant_require_active,
)


@pytest.fixture
def cache_on(settings):
    settings.TENANT_CACHE_SECONDS = 60


def test_a_cached_answer_spares_the_read_until_it_expires(cache_on, tenant_factory, dynamodb_calls, settings):
    tenant = tenant_factory()
    dynamodb_calls.clear()
    assert tenant_is_active(tenant_id=tenant.tenant_id)
    assert tenant_is_active(tenant_id=tenant.tenant_id)
    assert dynamodb_calls == {"GetItem": 1}

    tenant.update(actions=[Tenant.is_active.set(False)])
    assert tenant_is_active(tenant_id=tenant.tenant_id)  # still cached
    tenant_cache.clear()
    assert not tenant_is_active(tenant_id=tenant.tenant_id)


def test_an_id_that_is_not_a_slug_is_not_found_with_no_read_and_no_entry(cache_on, dynamodb_calls):
    for bad in ("", "x", "UPPER", "a" * 41, "../etc", "tenant1 ", "t" * 3000):
        with pytest.raises(ApplicationError) as exc:
            tenant_require_active(tenant_id=bad)
        assert exc.value.code == TenancyError.TENANT_NOT_FOUND
    assert dynamodb_calls == {}
    assert len(tenant_cache) == 0


def test_the_cache_is_bounded(cache_on):
    for n in range(TENANT_CACHE_SIZE + 50):
        tenant_is_active(tenant_id=f"unknown-{n}")
    assert len(tenant_cache) == TENANT_CACHE_SIZE


def test_creating_a_tenant_twice_changes_nothing():
    first = tenant_create(tenant_id="acme", name="Acme")
    again = tenant_create(tenant_id="acme", name="Other name")
    assert first.created
    assert not again.created
    assert again.tenant.name == "Acme"
