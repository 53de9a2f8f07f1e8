"""Reads of reviews: a book's published reviews, a user's own, the admins' moderation lists, an id's key."""

from dataclasses import dataclass

from bookstore.errors import ApplicationError
from bookstore.ids import canonical_id
from bookstore.pagination import DEFAULT_LIMIT, Page, query_page
from catalog.errors import CatalogError
from catalog.selectors import book_get
from reviews.errors import ReviewsError
from reviews.models import PUBLISHED, Review

# sort → (index attribute name on Review, newest/highest first)
SORTS = {
    "newest": ("newest_index", False),
    "helpful": ("helpful_index", False),
    "highest": ("score_index", False),
    "lowest": ("score_index", True),
}


@dataclass(frozen=True)
class ReviewFilters:
    """How a book's reviews are listed: a sort, and optionally one score and verified buyers only."""

    sort: str = "newest"
    score: int | None = None
    verified: bool = False

    def cursor_scope(self, tenant_id: str, book_id: str) -> str:
        return f"reviews:{tenant_id}:{book_id}:{self.sort}:{self.score}:{int(self.verified)}"


def book_reviews_list(
    *, tenant_id: str, book_id: str, filters: ReviewFilters, limit: int = DEFAULT_LIMIT, cursor: str | None = None
) -> Page:
    """A page of a book's published reviews: one Query on the sort's index of the book's partition.

    `newest`, `highest` and `lowest` read sparse indexes that hold published reviews only;
    one score is a key condition there (`begins_with(score_key, "{score}#")`, which also
    orders a newest-first list of one score). `helpful` filters on the status, and verified
    buyers only is a filter, so those pages may read more than they keep (bounded as every
    list is, `bookstore.pagination`). An empty first page reads the book too (one GetItem), so
    an unknown book is `book_not_found` rather than a book nobody reviewed.
    """
    canonical = canonical_id(book_id)
    if canonical is None:
        raise ApplicationError(CatalogError.BOOK_NOT_FOUND)
    index_name, forward = SORTS[filters.sort]
    options = {}
    condition = None
    if filters.score is not None and filters.sort != "helpful":
        index_name = "score_index"
        forward = filters.sort == "lowest"
        options["range_key_condition"] = Review.score_key.startswith(f"{filters.score}#")
    elif filters.score is not None:
        condition = Review.score == filters.score
    if filters.sort == "helpful":
        condition = (Review.status == PUBLISHED) if condition is None else condition & (Review.status == PUBLISHED)
    if filters.verified:
        verified = Review.verified_purchase == True  # noqa: E712 (a PynamoDB condition)
        condition = verified if condition is None else condition & verified
    page = query_page(
        getattr(Review, index_name),
        Review.key(tenant_id, canonical),
        limit=limit,
        cursor=cursor,
        scope=filters.cursor_scope(tenant_id, canonical),
        filter_condition=condition,
        scan_index_forward=forward,
        **options,
    )
    if not page.items and not cursor and page.next_cursor is None:
        book_get(tenant_id=tenant_id, book_id=canonical)
    return page


def user_reviews_list(*, tenant_id: str, user_id: str, limit: int = DEFAULT_LIMIT, cursor: str | None = None) -> Page:
    """The user's own reviews, newest first, whatever their status (one Query on `user-index`)."""
    return query_page(
        Review.by_user,
        Review.user_key_for(tenant_id, user_id),
        limit=limit,
        cursor=cursor,
        scope=f"user-reviews:{tenant_id}:{user_id}",
        scan_index_forward=False,
    )


def status_reviews_list(*, tenant_id: str, status: str, limit: int = DEFAULT_LIMIT, cursor: str | None = None) -> Page:
    """The tenant's reviews in one status, newest first, for the admins (one Query on `status-index`)."""
    return query_page(
        Review.by_status,
        Review.status_key_for(tenant_id, status),
        limit=limit,
        cursor=cursor,
        scope=f"admin-reviews:{tenant_id}:{status}",
        scan_index_forward=False,
    )


def review_key_get(*, tenant_id: str, review_id: str) -> tuple[str, str]:
    """The (pk, sk) of the review with this id: one Query on the keys-only `id-index`."""
    canonical = canonical_id(review_id)
    if canonical is None:
        raise ApplicationError(ReviewsError.REVIEW_NOT_FOUND)
    for review in Review.by_id.query(Review.review_key_for(tenant_id, canonical), limit=1):
        return review.pk, review.sk
    raise ApplicationError(ReviewsError.REVIEW_NOT_FOUND)


def review_mine_get(*, tenant_id: str, user_id: str, book_id: str) -> Review:
    """The user's own review of a book, whatever its status (one GetItem)."""
    canonical = canonical_id(book_id)
    if canonical is None:
        raise ApplicationError(ReviewsError.REVIEW_NOT_FOUND)
    try:
        return Review.get(Review.key(tenant_id, canonical), Review.sort_key(user_id))
    except Review.DoesNotExist as exc:
        raise ApplicationError(ReviewsError.REVIEW_NOT_FOUND) from exc
