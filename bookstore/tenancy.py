"""Which tenant a request belongs to.

Authenticated requests take the tenant from the token; naming another tenant in the
query string, the `X-Tenant-ID` header or the body is refused with 403. Anonymous requests
name their tenant in `X-Tenant-ID` or `?tenant_id=`; when they name none, the shop picked
in the browsable API (the TENANT_COOKIE_NAME cookie) is the default. The cookie is never
read for an authenticated request. Either way the tenant must exist and be active: an
anonymous request naming an unknown or inactive tenant gets 404 `tenant_not_found` (an address
that keeps naming them gets 429, see `bookstore.ratelimit`); a
token whose tenant was deleted or deactivated is no longer a valid credential, and gets
401 `invalid_token`, as its refresh does.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from bookstore.errors import ApplicationError, CommonError
from bookstore.ratelimit import TokenBuckets, client_address, throttled
from bookstore.tenants import TenancyError, TenantStatus, normalize_tenant_id, tenant_cache, tenant_status

# Per address: the `tenant_not_found` answers this process gives (UNKNOWN_TENANT_THROTTLE_PER_IP).
unknown_tenant_buckets = TokenBuckets()

TOKEN_TENANT_GONE = _("The token's tenant no longer exists or is inactive.")

TENANT_HEADER = "HTTP_X_TENANT_ID"


def _named_tenants(request) -> set[str]:
    named = {request.META.get(TENANT_HEADER), request.query_params.get("tenant_id")}
    if request.method not in ("GET", "HEAD", "OPTIONS", "DELETE") and hasattr(request.data, "get"):
        body_tenant = request.data.get("tenant_id")
        if body_tenant is not None and not isinstance(body_tenant, str):
            raise ApplicationError(CommonError.VALIDATION, details={"tenant_id": [_("Must be a string.")]})
        named.add(body_tenant)
    return {normalize_tenant_id(str(t)) for t in named if t}


def picked_tenant(request) -> str | None:
    """The shop an anonymous visitor picked in the browsable API, if any."""
    picked = normalize_tenant_id(request.COOKIES.get(settings.TENANT_COOKIE_NAME, ""))
    return picked or None


def resolve_tenant(request) -> tuple[str, TenantStatus]:
    """The active tenant of this request and its status (plan, language), or an ApplicationError saying why not."""
    named = _named_tenants(request)
    user = request.user
    if user is not None and getattr(user, "is_authenticated", False):
        tenant_id = user.tenant_id
        if named - {tenant_id}:
            raise ApplicationError(TenancyError.TENANT_MISMATCH)
        status = tenant_status(tenant_id=tenant_id)
        if not status.active:
            raise ApplicationError(CommonError.INVALID_TOKEN, TOKEN_TENANT_GONE)
        return tenant_id, status
    if len(named) == 1:
        tenant_id = named.pop()
    elif named:
        raise ApplicationError(TenancyError.TENANT_MISMATCH, _("The request names more than one tenant."))
    elif picked := picked_tenant(request):
        tenant_id = picked
    else:
        raise ApplicationError(TenancyError.TENANT_REQUIRED)
    return tenant_id, _require_active_for_address(tenant_id, client_address(request))


def _require_active_for_address(tenant_id: str, address: str) -> TenantStatus:
    """`tenant_require_active`, with each `tenant_not_found` spending one of the address's tokens.

    An address out of tokens gets 429 before any read, unless this process already knows the
    tenant is active (a shop's own visitors behind the same address keep being served).
    """
    capacity, window = settings.UNKNOWN_TENANT_THROTTLE_PER_IP
    cached = tenant_cache.get(tenant_id)
    if not (cached and cached.active):
        wait = unknown_tenant_buckets.wait(address, capacity=capacity, window_seconds=window)
        if wait is not None:
            raise throttled(wait)
    status = tenant_status(tenant_id=tenant_id)
    if not status.active:
        unknown_tenant_buckets.take(address, capacity=capacity, window_seconds=window)
        raise ApplicationError(TenancyError.TENANT_NOT_FOUND)
    return status
