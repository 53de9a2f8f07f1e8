"""GET books/recommendations/{user_id}: for that user or an admin of the tenant."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from bookstore.api import UserAPIView
from recommendations.permissions import IsThatUserOrTenantAdmin
from recommendations.selectors import recommendations_for
from recommendations.serializers import RecommendationListSerializer, RecommendationSerializer


class RecommendationListView(UserAPIView):
    permission_classes = [IsThatUserOrTenantAdmin]

    @extend_schema(
        operation_id="books_recommendations",
        responses={200: RecommendationListSerializer},
        description="Up to 20 in-stock books the user has not bought, each with a reason; "
        "best-sellers for a user with no history. 503 `search_unavailable` when the engine cannot answer.",
    )
    def get(self, request, user_id):
        recommendations = recommendations_for(tenant_id=self.tenant_id, user_id=user_id)
        return Response({"results": RecommendationSerializer(recommendations, many=True).data})
