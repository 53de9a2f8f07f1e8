"""GET books/recommendations/{user_id}: for that user or an admin of the tenant."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from accounts.errors import AccountsError
from bookstore.api import NOT_ADMIN_ERROR_CODES, UserAPIView
from bookstore.errors import ErrorCode
from catalog.errors import SearchError
from recommendations.permissions import IsThatUserOrTenantAdmin
from recommendations.selectors import recommendations_for
from recommendations.serializers import RecommendationListOutputSerializer, RecommendationOutputSerializer


class RecommendationListView(UserAPIView):
    """Up to 20 in-stock books the user has not bought, each with a reason (that user, or an admin).

    A user with no history gets the best-sellers.
    """

    permission_classes = [IsThatUserOrTenantAdmin]
    error_codes = (AccountsError.USER_NOT_FOUND, SearchError.SEARCH_UNAVAILABLE)

    def refusal_error_codes(self, method: str) -> tuple[ErrorCode, ...]:
        return NOT_ADMIN_ERROR_CODES  # another user's recommendations are for admins

    @extend_schema(operation_id="books_recommendations", responses={200: RecommendationListOutputSerializer})
    def get(self, request, user_id):
        recommendations = recommendations_for(tenant_id=self.tenant_id, user_id=user_id)
        return Response({"results": RecommendationOutputSerializer(recommendations, many=True).data})
