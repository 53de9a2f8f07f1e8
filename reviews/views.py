"""Review, vote and moderation endpoints: validate, call one service or selector, serialize."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import SAFE_METHODS, IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from bookstore.api import AdminAPIView, TenantAPIView, UserAPIView, page_response
from bookstore.errors import CommonError, ErrorCode
from bookstore.pagination import PageQuerySerializer, paginated
from bookstore.tenants import tenant_set_reviews_moderated, tenant_status
from catalog.errors import CatalogError
from reviews import serializers as s
from reviews.errors import ReviewsError
from reviews.selectors import ReviewFilters, book_reviews_list, review_mine_get, status_reviews_list, user_reviews_list
from reviews.services import (
    review_create,
    review_delete,
    review_hide,
    review_restore,
    review_update,
    vote_cast,
    vote_retract,
)
from reviews.throttling import ReviewWriteThrottle

MODERATION_ERROR_CODES = (ReviewsError.REVIEW_NOT_FOUND, ReviewsError.REVIEW_CHANGED)


class BookReviewListView(TenantAPIView):
    """A book's published reviews (anyone); a signed-in reader adds theirs."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    throttle_classes = [ReviewWriteThrottle]
    input_serializer = s.ReviewInputSerializer
    query_serializer = s.ReviewListQuerySerializer
    error_codes = {
        "GET": (CatalogError.BOOK_NOT_FOUND,),
        "POST": (CatalogError.BOOK_NOT_FOUND, ReviewsError.REVIEW_EXISTS, CommonError.CONFLICT),
    }

    def refusal_error_codes(self, method: str) -> tuple[ErrorCode, ...]:
        return () if method in SAFE_METHODS else (CommonError.NOT_AUTHENTICATED,)

    @extend_schema(responses={200: paginated(s.ReviewOutputSerializer)})
    def get(self, request, book_id):
        """Newest, most helpful, highest or lowest first; one score or verified buyers only."""
        query = self.validated_query()
        filters = ReviewFilters(sort=query.pop("sort"), score=query.pop("score", None), verified=query.pop("verified"))
        page = book_reviews_list(tenant_id=self.tenant_id, book_id=book_id, filters=filters, **query)
        return page_response(page, s.ReviewOutputSerializer, context={"request": request})

    @extend_schema(responses={201: s.OwnReviewOutputSerializer})
    def post(self, request, book_id):
        """Review a book: one review per reader per book; `verified_purchase` if you bought it."""
        review = review_create(
            tenant_id=self.tenant_id, user_id=request.user.id, book_id=book_id, **self.validated_body()
        )
        return Response(
            s.OwnReviewOutputSerializer(review, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class OwnReviewView(UserAPIView):
    """The caller's own review of a book: read, change or delete it."""

    throttle_classes = [ReviewWriteThrottle]
    input_serializer = s.ReviewUpdateInputSerializer
    error_codes = {
        "GET": (ReviewsError.REVIEW_NOT_FOUND,),
        "PATCH": (ReviewsError.REVIEW_NOT_FOUND, ReviewsError.REVIEW_CHANGED),
        "DELETE": (ReviewsError.REVIEW_NOT_FOUND,),
    }

    @extend_schema(responses={200: s.OwnReviewOutputSerializer})
    def get(self, request, book_id):
        """Your review of the book, whatever its status (a hidden one shows why)."""
        return Response(
            s.OwnReviewOutputSerializer(
                review_mine_get(**self.user_scope, book_id=book_id), context={"request": request}
            ).data
        )

    @extend_schema(responses={200: s.OwnReviewOutputSerializer})
    def patch(self, request, book_id):
        """Change the fields sent."""
        review = review_update(**self.user_scope, book_id=book_id, **self.validated_body())
        return Response(s.OwnReviewOutputSerializer(review, context={"request": request}).data)

    @extend_schema(responses={204: None})
    def delete(self, request, book_id):
        """Delete your review of the book."""
        review_delete(**self.user_scope, book_id=book_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserReviewListView(UserAPIView):
    """The caller's reviews, newest first, with their status (hidden ones with the reason)."""

    query_serializer = PageQuerySerializer

    @extend_schema(responses={200: paginated(s.OwnReviewOutputSerializer)})
    def get(self, request):
        return page_response(
            user_reviews_list(**self.user_scope, **self.validated_query()), s.OwnReviewOutputSerializer
        )


class ReviewVoteView(UserAPIView):
    """Your vote on a review: helpful or not; one per reader per review, never on your own."""

    throttle_classes = [ReviewWriteThrottle]
    input_serializer = s.VoteInputSerializer
    error_codes = {
        "POST": (ReviewsError.REVIEW_NOT_FOUND, ReviewsError.OWN_REVIEW_VOTE, CommonError.CONFLICT),
        "DELETE": (ReviewsError.REVIEW_NOT_FOUND, ReviewsError.OWN_REVIEW_VOTE, ReviewsError.VOTE_NOT_FOUND),
    }

    @extend_schema(responses={200: s.VoteOutputSerializer})
    def post(self, request, review_id):
        """Vote; voting again replaces your vote."""
        vote = vote_cast(
            tenant_id=self.tenant_id, voter_id=request.user.id, review_id=review_id, **self.validated_body()
        )
        return Response(s.VoteOutputSerializer(vote).data)

    @extend_schema(responses={204: None})
    def delete(self, request, review_id):
        """Take your vote back."""
        vote_retract(tenant_id=self.tenant_id, voter_id=request.user.id, review_id=review_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AdminReviewListView(AdminAPIView):
    """The tenant's reviews in one status (admins): `pending` waits for approval, `hidden` was hidden."""

    query_serializer = s.AdminReviewListQuerySerializer

    @extend_schema(responses={200: paginated(s.OwnReviewOutputSerializer)})
    def get(self, request):
        page = status_reviews_list(tenant_id=self.tenant_id, **self.validated_query())
        return page_response(page, s.OwnReviewOutputSerializer, context={"request": request})


class AdminReviewModerationView(AdminAPIView):
    """Whether the shop's new reviews are published at once or wait for an admin's approval (admins)."""

    input_serializer = s.ModerationInputSerializer

    @extend_schema(responses={200: s.ModerationOutputSerializer})
    def get(self, request):
        # A plain dict: the browsable API's PUT form then starts from these values, not from the TenantStatus.
        return Response(dict(s.ModerationOutputSerializer(tenant_status(tenant_id=self.tenant_id)).data))

    @extend_schema(responses={200: s.ModerationOutputSerializer})
    def put(self, request):
        """Choose; containers follow within TENANT_CACHE_SECONDS."""
        body = self.validated_body()
        tenant = tenant_set_reviews_moderated(tenant_id=self.tenant_id, moderated=body["moderated"])
        return Response(dict(s.ModerationOutputSerializer(tenant).data))


class AdminReviewHideView(AdminAPIView):
    """Hide a review (admins): it leaves the listings and the aggregates; its author sees the reason."""

    input_serializer = s.HideInputSerializer
    error_codes = MODERATION_ERROR_CODES

    @extend_schema(responses={200: s.OwnReviewOutputSerializer})
    def post(self, request, review_id):
        review = review_hide(tenant_id=self.tenant_id, review_id=review_id, **self.validated_body())
        return Response(s.OwnReviewOutputSerializer(review, context={"request": request}).data)


class AdminReviewRestoreView(AdminAPIView):
    """Publish a hidden review again, or approve a pending one (admins)."""

    error_codes = MODERATION_ERROR_CODES

    @extend_schema(responses={200: s.OwnReviewOutputSerializer})
    def post(self, request, review_id):
        review = review_restore(tenant_id=self.tenant_id, review_id=review_id)
        return Response(s.OwnReviewOutputSerializer(review, context={"request": request}).data)
