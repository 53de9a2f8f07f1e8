"""Reads of tenants and users."""

import time

from django.conf import settings

from accounts.errors import AccountsError
from accounts.models import Tenant, User
from bookstore.errors import ApplicationError

# tenant_id -> (monotonic expiry, is_active); per container, so it only spares repeated reads.
_tenant_cache: dict[str, tuple[float, bool]] = {}


def tenant_get(*, tenant_id: str) -> Tenant | None:
    try:
        return Tenant.get(Tenant.key(tenant_id), "TENANT")
    except Tenant.DoesNotExist:
        return None


def tenant_is_active(*, tenant_id: str) -> bool:
    """Whether the tenant exists and is active; remembered for TENANT_CACHE_SECONDS."""
    now = time.monotonic()
    cached = _tenant_cache.get(tenant_id)
    if cached and cached[0] > now:
        return cached[1]
    tenant = tenant_get(tenant_id=tenant_id)
    active = bool(tenant and tenant.is_active)
    if settings.TENANT_CACHE_SECONDS > 0:
        _tenant_cache[tenant_id] = (now + settings.TENANT_CACHE_SECONDS, active)
    return active


def user_get(*, tenant_id: str, user_id: str) -> User:
    """The user with this id in this tenant (one Query on the user's partition)."""
    for user in User.query(User.key(tenant_id, user_id), limit=1):
        return user
    raise ApplicationError(AccountsError.USER_NOT_FOUND)


def user_find_by_email(*, tenant_id: str, email: str) -> User | None:
    """The user with this (normalised) email in this tenant, through the email GSI."""
    for user in User.email_index.query(User.email_key_for(tenant_id, email), limit=1):
        return user
    return None
