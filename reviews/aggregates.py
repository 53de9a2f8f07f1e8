"""The aggregates the reviews stream keeps, each change counted exactly once.

- A book's count, sum and 1-5 histogram of published scores (`catalog/ratings.py` holds
  the item), and then its listed `rating`, written only when the rounded mean changes.
- A review's helpful and unhelpful counts, from its votes.
- A user's paid purchases of a book (`BookOwnership`), which decide `verified_purchase`
  when a review is written; a cancellation that leaves none clears the flag.

Every move is one TransactWriteItems with a `ReviewMarker` put on `attribute_not_exists`:
a record delivered again (or the emulator's duplicated INSERT) finds its marker and moves
nothing. A marker names the change, not the stream record: a review's revision (which every
author or admin change moves on, and the handler's own writes never do), a vote's revision,
a purchase's payment event. Changes that move nothing (a helpful count written back on the
review, an edit of the text) need no marker.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from pynamodb.exceptions import UpdateError

from bookstore.dynamodb.clock import now
from bookstore.dynamodb.conditions import is_condition_failure
from bookstore.dynamodb.transactions import LabelledTransaction, failed_condition
from bookstore.errors import ApplicationError
from bookstore.tenants import TenancyError, tenant_get
from catalog import keys
from catalog.models import Book, BookRatings
from catalog.ratings import RatingMove, rating_listed_sync, rating_mean, ratings_get, ratings_move, ratings_replace
from reviews.models import (
    PUBLISHED,
    REVIEW_PREFIX,
    STATUSES,
    VOTE_PREFIX,
    BookOwnership,
    Review,
    ReviewMarker,
    ReviewVote,
)

ACTIONS_PER_TRANSACTION = 99  # plus the marker: DynamoDB's limit is 100


class _AlreadyCounted(Exception):
    """The marker exists: this change was counted before."""


class _ReviewChanged(Exception):
    """The review a vote counts towards changed (deleted, replaced) between the read and the write."""


def _marker(key: str) -> ReviewMarker:
    return ReviewMarker(key, expires_at=now() + timedelta(days=settings.SALES_MARKER_TTL_DAYS))


def _commit_once(tx: LabelledTransaction, marker: ReviewMarker) -> bool:
    """Commit `tx` with `marker`; False if the marker shows the change was counted before."""
    tx.put("marker", marker, condition=ReviewMarker.key.does_not_exist())

    def explain(failures):
        if failed_condition(failures, "marker"):
            return _AlreadyCounted()
        return _ReviewChanged() if failed_condition(failures, "review") else None

    try:
        tx.commit(on_cancel=explain)
    except _AlreadyCounted:
        return False
    return True


# --- Reviews → the book's aggregates -------------------------------------------------------


def _published_score(image: dict[str, Any] | None) -> int | None:
    """What a review image adds to its book's aggregates: its score while published, else nothing."""
    if not image or image.get("status") != PUBLISHED:
        return None
    return int(image["score"])


def review_change_count(*, tenant_id: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> bool:
    """Move the book's aggregates by one review change, once; then list the rating if its rounding moved.

    Returns whether the aggregates moved now (False: nothing to move, or counted before).
    The listed rating is checked either way, so a retry after a crash between the two still
    lists it.
    """
    before, after = _published_score(old), _published_score(new)
    image = new or old or {}
    book_id = str(image["book_id"])
    if before == after:
        return False
    move = RatingMove(removed=[before] if before else [], added=[after] if after else [])
    revision = f"{int(new['revision'])}" if new is not None else "removed"
    tx = LabelledTransaction()
    ratings_move(tx, tenant_id=tenant_id, book_id=book_id, move=move)
    moved = _commit_once(tx, _marker(f"{tenant_id}#{image['review_id']}#{revision}"))
    rating_listed_sync(tenant_id=tenant_id, book_id=book_id)
    return moved


# --- Votes → the review's helpful counts ---------------------------------------------------


def _vote(image: dict[str, Any] | None) -> tuple[str, bool] | None:
    """What a vote image counts: (review_id, helpful), or nothing once taken back."""
    if not image or image.get("helpful") is None:
        return None
    return str(image["review_id"]), bool(image["helpful"])


def vote_change_count(*, old: dict[str, Any] | None, new: dict[str, Any] | None) -> bool:
    """Move a review's helpful/unhelpful counts by one vote change, once; False if nothing moved now.

    Reads the review first (one consistent GetItem): a vote left over from a deleted review
    (its `review_id` differs from the review's) counts for nothing. The counts' update is
    conditioned on the review still being the one read.
    """
    before, after = _vote(old), _vote(new)
    if before == after:
        return False
    image = new or old or {}
    pk, sk = str(image["pk"]), str(image["sk"])
    author_id = sk.removeprefix(VOTE_PREFIX).rsplit("#", 1)[0]
    try:
        review = Review.get(pk, f"{REVIEW_PREFIX}{author_id}", consistent_read=True)
    except Review.DoesNotExist:
        return False
    deltas = {"helpful_count": 0, "unhelpful_count": 0}
    for vote, sign in ((before, -1), (after, 1)):
        if vote is not None and vote[0] == review.review_id:
            deltas["helpful_count" if vote[1] else "unhelpful_count"] += sign
    if not any(deltas.values()):
        return False
    revision = f"{int(new['revision'])}" if new is not None else "removed"
    tx = LabelledTransaction()
    tx.update(
        "review",
        review,
        actions=[getattr(Review, name).add(delta) for name, delta in deltas.items() if delta],
        condition=Review.review_id == review.review_id,
    )
    return _commit_once(tx, _marker(f"{pk}#{sk}#{revision}"))


# --- Purchases → verified buyers -----------------------------------------------------------


def ownership_count_event(
    *, tenant_id: str, user_id: str, purchase_id: str, event_type: str, book_ids: list[str], sign: int
) -> bool:
    """Count a purchase's payment (+1 per book) or its cancellation after payment (-1), once.

    After a -1, each review of those books by the user whose author no longer holds a paid
    purchase of the book loses `verified_purchase` (checked on every delivery, so a retry
    after a crash still clears it).
    """
    books = sorted(set(book_ids))[:ACTIONS_PER_TRANSACTION]  # a cart holds at most CART_MAX_LINES books
    tx = LabelledTransaction()
    for book_id in books:
        owned = BookOwnership(BookOwnership.key(tenant_id, user_id), BookOwnership.sort_key(book_id))
        tx.update(f"owned:{book_id}", owned, actions=[BookOwnership.paid_count.add(sign)])
    moved = _commit_once(tx, _marker(f"{tenant_id}#{purchase_id}#{event_type}"))
    if sign < 0:
        for book_id in books:
            _unverify_if_unowned(tenant_id=tenant_id, user_id=user_id, book_id=book_id)
    return moved


def _unverify_if_unowned(*, tenant_id: str, user_id: str, book_id: str) -> None:
    try:
        owned = BookOwnership.get(
            BookOwnership.key(tenant_id, user_id), BookOwnership.sort_key(book_id), consistent_read=True
        )
        if int(owned.paid_count or 0) > 0:
            return
    except BookOwnership.DoesNotExist:
        pass
    review = Review(Review.key(tenant_id, book_id), Review.sort_key(user_id))
    try:
        review.update(
            actions=[Review.verified_purchase.set(False)],
            condition=Review.pk.exists() & (Review.verified_purchase == True),  # noqa: E712
        )
    except UpdateError as exc:
        if not is_condition_failure(exc):
            raise


# --- Repair: recount from the reviews table ------------------------------------------------


@dataclass
class ReviewRecount:
    """What a recount found: the books it read, the aggregates and helpful counts it corrected."""

    books: int = 0
    ratings_corrected: list[str] = field(default_factory=list)
    helpful_corrected: list[str] = field(default_factory=list)


def _books_to_recount(tenant_id: str) -> dict[str, Book | None]:
    """Every active book (with the rating it shows) and every book with a review (None if not active)."""
    books: dict[str, Book | None] = {
        book.book_id: book for book in Book.catalog_newest_index.query(keys.catalog_key(tenant_id))
    }
    for status in STATUSES:
        for review in Review.by_status.query(Review.status_key_for(tenant_id, status)):
            books.setdefault(review.book_id, None)
    return dict(sorted(books.items()))


def _partition(tenant_id: str, book_id: str):
    """Every raw item of a book's partition of the reviews table: its reviews and votes (consistent, paged)."""
    start = None
    while True:
        page = Review._get_connection().query(
            Review.key(tenant_id, book_id), consistent_read=True, exclusive_start_key=start
        )
        yield from page.get("Items", [])
        start = page.get("LastEvaluatedKey")
        if not start:
            return


def book_recount(
    tenant_id: str, book_id: str, result: ReviewRecount, *, dry_run: bool, book: Book | None = None
) -> None:
    """Correct one book's aggregates, listed rating and helpful counts from its partition; note what differed.

    With the `book` as read, the rating it shows is checked too (a rating set by hand is not
    in the aggregates item).
    """
    reviews: dict[str, Review] = {}
    votes: list[ReviewVote] = []
    for raw in _partition(tenant_id, book_id):
        kind = raw["sk"]["S"]
        if kind.startswith(REVIEW_PREFIX):
            review = Review.from_raw_data(raw)
            reviews[review.review_id] = review
        elif kind.startswith(VOTE_PREFIX):
            votes.append(ReviewVote.from_raw_data(raw))
    scores = [int(r.score) for r in reviews.values() if r.status == PUBLISHED]
    stored = ratings_get(tenant_id=tenant_id, book_id=book_id, consistent=True)
    histogram = {str(score): scores.count(score) for score in range(1, 6)}
    if stored is None:  # no review was ever counted: the same as zero everywhere
        stored = BookRatings(rating_count=0, rating_sum=0, listed_rating=None)
    counted_now = (int(stored.rating_count or 0), int(stored.rating_sum or 0), stored.histogram, stored.listed_rating)
    listed = rating_mean(count=len(scores), total=sum(scores))
    shown_wrong = book is not None and book.rating != listed
    if shown_wrong or counted_now != (len(scores), sum(scores), histogram, listed):
        result.ratings_corrected.append(book_id)
        if not dry_run:
            ratings_replace(tenant_id=tenant_id, book_id=book_id, scores=scores)
    counted = {review_id: {"helpful_count": 0, "unhelpful_count": 0} for review_id in reviews}
    for vote in votes:
        if vote.helpful is not None and vote.review_id in counted:
            counted[vote.review_id]["helpful_count" if vote.helpful else "unhelpful_count"] += 1
    for review_id, counts in counted.items():
        review = reviews[review_id]
        if (int(review.helpful_count or 0), int(review.unhelpful_count or 0)) == tuple(counts.values()):
            continue
        result.helpful_corrected.append(review_id)
        if not dry_run:
            review.update(actions=[getattr(Review, name).set(n) for name, n in counts.items()])


def reviews_recount(
    *, tenant_id: str, dry_run: bool = False, on_progress: Callable[[int], None] | None = None
) -> ReviewRecount:
    """Set every book's rating aggregates and listed rating, and every review's helpful counts, from the table.

    Reads each book's partition of the reviews table (one consistent Query: its reviews and
    votes) and writes only what differs. A book with no published review loses any listed
    rating (so a rating set by hand, which no review supports, is removed). Run it
    with the stream handlers caught up: a change counted while it runs may be counted twice.
    """
    if tenant_get(tenant_id=tenant_id) is None:
        raise ApplicationError(TenancyError.TENANT_NOT_FOUND)
    result = ReviewRecount()
    for book_id, book in _books_to_recount(tenant_id).items():
        book_recount(tenant_id, book_id, result, dry_run=dry_run, book=book)
        result.books += 1
        if on_progress:
            on_progress(1)
    return result
