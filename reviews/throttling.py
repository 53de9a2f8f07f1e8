"""The reviews' own rate limit: writes (reviews, changes, votes) per user, whatever the tenant's plan."""

from rest_framework.permissions import SAFE_METHODS

from bookstore.ratelimit import CountedThrottle


class ReviewWriteThrottle(CountedThrottle):
    """REVIEW_THROTTLE_PER_USER writes per window per user; reads are not counted."""

    scope = "review-writes"
    setting = "REVIEW_THROTTLE_PER_USER"

    def subject(self, request) -> str | None:
        user = request.user
        if request.method in SAFE_METHODS or not getattr(user, "is_authenticated", False):
            return None
        return f"{getattr(user, 'tenant_id', '')}#{user.id}"
