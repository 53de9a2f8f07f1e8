"""The base views every endpoint builds on, and the one way a list becomes a response.

Pick the narrowest base that fits: `PublicAPIView` reads no credentials (register, login);
`TenantAPIView` resolves `self.tenant_id` for public reads within a tenant;
`UserAPIView` is about the caller's own data (`self.user_scope`); `AdminAPIView` is for
the tenant's staff. A handler validates its input with
`serializer = X(data=...)` then `serializer.is_valid(raise_exception=True)`, calls one
service or selector, and serializes the result.
"""

from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from bookstore.pagination import Page
from bookstore.permissions import IsTenantAdmin
from bookstore.tenancy import resolve_tenant


class PublicAPIView(APIView):
    """An endpoint that reads no credentials (a stale browser cookie must not get in the way)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]


class TenantAPIView(APIView):
    """An endpoint within one tenant: handlers rely on `self.tenant_id`, resolved after authentication."""

    permission_classes = [AllowAny]
    tenant_id: str

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.tenant_id = resolve_tenant(request)

    def caller_is_admin(self) -> bool:
        """Whether the caller is an admin of this tenant (who may see more, e.g. inactive books)."""
        return IsTenantAdmin().has_permission(self.request, self)


class UserAPIView(TenantAPIView):
    """An endpoint about the caller's own data: authenticated, scoped to the token's user."""

    permission_classes = [IsAuthenticated]

    @property
    def user_scope(self) -> dict[str, str]:
        """The keyword arguments that scope a service or selector to the caller."""
        return {"tenant_id": self.tenant_id, "user_id": self.request.user.id}


class AdminAPIView(TenantAPIView):
    """An endpoint for the tenant's admins only."""

    permission_classes = [IsTenantAdmin]


def page_response(page: Page, serializer_class: type[Serializer]) -> Response:
    """`{"results": [...], "next": cursor-or-null}`: the body of every list."""
    return Response({"results": serializer_class(page.items, many=True).data, "next": page.next_cursor})
