"""Which tenant a request belongs to, and the base view that resolves it once per request.

Authenticated requests take the tenant from the token; naming another tenant in the
query string, the `X-Tenant-ID` header or the body is refused with 403. Anonymous requests
name their tenant in `X-Tenant-ID` or `?tenant_id=`. Either way the tenant must exist and
be active, or the request gets 404 `tenant_not_found`.
"""

from rest_framework.views import APIView

from bookstore.errors import ApplicationError, ErrorCode

TENANT_HEADER = "HTTP_X_TENANT_ID"


class TenancyError(ErrorCode):
    TENANT_REQUIRED = ("tenant_required", 400, "Name the tenant in the X-Tenant-ID header or the tenant_id parameter.")
    TENANT_MISMATCH = ("tenant_mismatch", 403, "The tenant named in the request is not the tenant of your token.")
    TENANT_NOT_FOUND = ("tenant_not_found", 404, "Tenant not found.")


def _named_tenants(request) -> set[str]:
    named = {request.META.get(TENANT_HEADER), request.query_params.get("tenant_id")}
    if request.method not in ("GET", "HEAD", "OPTIONS", "DELETE") and hasattr(request.data, "get"):
        named.add(request.data.get("tenant_id"))
    return {str(t) for t in named if t}


def resolve_tenant(request) -> str:
    """The active tenant of this request, or an ApplicationError saying why there is none."""
    from accounts.selectors import tenant_is_active  # accounts imports this module: import late

    named = _named_tenants(request)
    user = request.user
    if user is not None and getattr(user, "is_authenticated", False):
        tenant_id = user.tenant_id
        if named - {tenant_id}:
            raise ApplicationError(TenancyError.TENANT_MISMATCH)
    elif len(named) == 1:
        tenant_id = named.pop()
    elif named:
        raise ApplicationError(TenancyError.TENANT_MISMATCH, "The request names more than one tenant.")
    else:
        raise ApplicationError(TenancyError.TENANT_REQUIRED)
    if not tenant_is_active(tenant_id=tenant_id):
        raise ApplicationError(TenancyError.TENANT_NOT_FOUND)
    return tenant_id


class TenantAPIView(APIView):
    """An APIView whose handlers can rely on `self.tenant_id` (resolved after authentication)."""

    tenant_id: str

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.tenant_id = resolve_tenant(request)
