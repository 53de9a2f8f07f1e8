"""Who may read a user's recommendations: that user, or an admin of their tenant."""

from rest_framework.permissions import BasePermission


class IsThatUserOrTenantAdmin(BasePermission):
    """The `user_id` in the URL is the caller's own, or the caller is an admin (of the token's tenant)."""

    def has_permission(self, request, view):
        user = request.user
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        return user.is_admin or str(user.id) == view.kwargs.get("user_id")
