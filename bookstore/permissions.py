"""Permission policies shared by the apps: tenant admins, and public reads with admin writes."""

from rest_framework.permissions import SAFE_METHODS, BasePermission


class IsTenantAdmin(BasePermission):
    """Only an authenticated admin of the token's tenant."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_admin)


class PublicReadAdminWrite(IsTenantAdmin):
    """Anyone may read; only tenant admins may write."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or super().has_permission(request, view)
