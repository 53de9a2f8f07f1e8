"""Writes of reviews and votes: create, change, delete, vote, and the admins' moderation.

Every write reads at most two items and sends one write (an UpdateItem, a DeleteItem, or
one TransactWriteItems): the one-review-per-book rule is the review's key, the book's
existence a condition check in the same transaction, and who may vote comes from the
review's key. The aggregates (the book's count, sum, histogram and listed rating; a
review's helpful counts) are never written here: the reviews stream handler moves them
exactly once (`reviews/aggregates.py`).
"""

import uuid

from pynamodb.exceptions import DeleteError, UpdateError

from accounts.selectors import user_get
from bookstore.dynamodb.clock import now
from bookstore.dynamodb.conditions import is_condition_failure
from bookstore.dynamodb.transactions import Failures, LabelledTransaction, failed_condition
from bookstore.errors import ApplicationError
from bookstore.ids import canonical_id
from bookstore.tenants import tenant_status
from catalog.errors import CatalogError
from catalog.models import Book
from reviews.errors import ReviewsError
from reviews.models import HIDDEN, PENDING, PUBLISHED, REVIEW_PREFIX, BookOwnership, Review, ReviewVote
from reviews.selectors import review_key_get


def author_name(first_name: str, last_name: str) -> str:
    """How a review names its author: the first name and the last name's initial, never the email."""
    first, last = (first_name or "").strip(), (last_name or "").strip()
    return f"{first} {last[0]}.".strip() if last else first or "Reader"


def _listing_keys(*, status: str, score: int, published_at, user_id: str) -> list:
    """The sparse listing keys as actions: set while published, removed otherwise."""
    if status != PUBLISHED:
        return [Review.published_key.remove(), Review.score_key.remove()]
    moment = published_at.isoformat()
    return [
        Review.published_key.set(f"{moment}#{user_id}"),
        Review.score_key.set(f"{int(score)}#{moment}#{user_id}"),
    ]


def _verified(*, tenant_id: str, user_id: str, book_id: str) -> bool:
    """Whether the user holds a paid, not cancelled purchase of the book (one GetItem)."""
    try:
        owned = BookOwnership.get(BookOwnership.key(tenant_id, user_id), BookOwnership.sort_key(book_id))
    except BookOwnership.DoesNotExist:
        return False
    return int(owned.paid_count or 0) > 0


def _new_status(tenant_id: str) -> str:
    """Published at once, or pending an admin's approval when the tenant moderates reviews."""
    return PENDING if tenant_status(tenant_id=tenant_id).reviews_moderated else PUBLISHED


def _book_id(book_id: str) -> str:
    canonical = canonical_id(book_id)
    if canonical is None:
        raise ApplicationError(CatalogError.BOOK_NOT_FOUND)
    return canonical


def review_create(*, tenant_id: str, user_id: str, book_id: str, score: int, title: str = "", body: str = "") -> Review:
    """Add the user's review of an active book; a second one is `review_exists`, naming the first.

    Two reads (the author's names: one Query; the verified purchase: one GetItem) and one
    TransactWriteItems: the review, put if the user has none for the book, and a check
    that the book exists and is active. `verified_purchase` is decided here, at write time.
    """
    book_id = _book_id(book_id)
    user = user_get(tenant_id=tenant_id, user_id=user_id)
    verified = _verified(tenant_id=tenant_id, user_id=user_id, book_id=book_id)
    status = _new_status(tenant_id)
    moment = now()
    review_id = str(uuid.uuid4())
    review = Review(
        Review.key(tenant_id, book_id),
        Review.sort_key(user_id),
        tenant_id=tenant_id,
        book_id=book_id,
        user_id=user_id,
        review_id=review_id,
        score=score,
        title=title,
        body=body,
        author_name=author_name(user.first_name, user.last_name),
        verified_purchase=verified,
        status=status,
        revision=1,
        helpful_count=0,
        unhelpful_count=0,
        created_at=moment,
        published_at=moment if status == PUBLISHED else None,
        user_key=Review.user_key_for(tenant_id, user_id),
        status_key=Review.status_key_for(tenant_id, status),
        review_key=Review.review_key_for(tenant_id, review_id),
    )
    if status == PUBLISHED:
        review.published_key = f"{moment.isoformat()}#{user_id}"
        review.score_key = f"{score}#{moment.isoformat()}#{user_id}"
    tx = LabelledTransaction()
    tx.check("book", Book, Book.key(tenant_id, book_id), Book.SORT_KEY, Book.is_active == True)  # noqa: E712
    tx.put("review", review, condition=Review.pk.does_not_exist(), return_values="ALL_OLD")
    tx.commit(on_cancel=_create_failure)
    return review


def _create_failure(failures: Failures) -> ApplicationError | None:
    existing = failed_condition(failures, "review")
    if existing is not None:
        review_id = existing.raw_item.get("review_id", {}).get("S") if existing.raw_item else None
        return ApplicationError(ReviewsError.REVIEW_EXISTS, details={"review_id": review_id})
    if failed_condition(failures, "book"):
        return ApplicationError(CatalogError.BOOK_NOT_FOUND)
    return None


def _own_review(*, tenant_id: str, user_id: str, book_id: str) -> Review:
    try:
        return Review.get(Review.key(tenant_id, _book_id(book_id)), Review.sort_key(user_id), consistent_read=True)
    except Review.DoesNotExist as exc:
        raise ApplicationError(ReviewsError.REVIEW_NOT_FOUND) from exc


def review_update(
    *,
    tenant_id: str,
    user_id: str,
    book_id: str,
    score: int | None = None,
    title: str | None = None,
    body: str | None = None,
) -> Review:
    """Change the user's own review of a book (only the fields given); answers it as it is now.

    One GetItem and one UpdateItem conditioned on the revision read, so a concurrent change
    is `review_changed`, never overwritten. When the tenant moderates reviews, a changed
    published review waits for approval again; a hidden one stays hidden.
    """
    review = _own_review(tenant_id=tenant_id, user_id=user_id, book_id=book_id)
    actions = [Review.revision.add(1), Review.updated_at.set(now())]
    if title is not None:
        actions.append(Review.title.set(title))
    if body is not None:
        actions.append(Review.body.set(body))
    new_score = int(review.score) if score is None else score
    if score is not None:
        actions.append(Review.score.set(score))
    status = review.status
    if status == PUBLISHED and _new_status(tenant_id) == PENDING:
        status = PENDING
        actions += [Review.status.set(PENDING), Review.status_key.set(Review.status_key_for(tenant_id, PENDING))]
    actions += _listing_keys(status=status, score=new_score, published_at=review.published_at, user_id=user_id)
    try:
        review.update(actions=actions, condition=Review.revision == review.revision)
    except UpdateError as exc:
        if is_condition_failure(exc):
            raise ApplicationError(ReviewsError.REVIEW_CHANGED) from exc
        raise
    return review


def review_delete(*, tenant_id: str, user_id: str, book_id: str) -> None:
    """Delete the user's own review of a book (one DeleteItem); `review_not_found` if there is none."""
    review = Review(Review.key(tenant_id, _book_id(book_id)), Review.sort_key(user_id))
    try:
        review.delete(condition=Review.pk.exists())
    except DeleteError as exc:
        if is_condition_failure(exc):
            raise ApplicationError(ReviewsError.REVIEW_NOT_FOUND) from exc
        raise


def _votable(*, tenant_id: str, voter_id: str, review_id: str) -> tuple[str, str, str, str]:
    """(review_id, pk, author_id, book_id) of a review the voter may vote on; the voter's own is refused."""
    pk, sk = review_key_get(tenant_id=tenant_id, review_id=review_id)
    author_id = sk.removeprefix(REVIEW_PREFIX)
    if author_id == voter_id:
        raise ApplicationError(ReviewsError.OWN_REVIEW_VOTE)
    return str(canonical_id(review_id)), pk, author_id, pk.split("#", 1)[1]


def vote_cast(*, tenant_id: str, voter_id: str, review_id: str, helpful: bool) -> ReviewVote:
    """Vote a published review helpful or not (a second vote replaces the first); never one's own.

    One Query (the review's key, from its id) and one TransactWriteItems: the vote, and a
    check that the review is still that review and published.
    """
    review_id, pk, author_id, book_id = _votable(tenant_id=tenant_id, voter_id=voter_id, review_id=review_id)
    vote = ReviewVote(pk, ReviewVote.sort_key(author_id, voter_id))
    moment = now()
    tx = LabelledTransaction()
    tx.check(
        "review", Review, pk, Review.sort_key(author_id), (Review.review_id == review_id) & (Review.status == PUBLISHED)
    )
    tx.update(
        "vote",
        vote,
        actions=[
            ReviewVote.tenant_id.set(tenant_id),
            ReviewVote.book_id.set(book_id),
            ReviewVote.review_id.set(review_id),
            ReviewVote.voter_id.set(voter_id),
            ReviewVote.helpful.set(helpful),
            ReviewVote.revision.add(1),
            ReviewVote.updated_at.set(moment),
        ],
    )
    tx.commit(
        on_cancel=lambda f: ApplicationError(ReviewsError.REVIEW_NOT_FOUND) if failed_condition(f, "review") else None
    )
    return ReviewVote(
        pk,
        vote.sk,
        tenant_id=tenant_id,
        book_id=book_id,
        review_id=review_id,
        voter_id=voter_id,
        helpful=helpful,
        updated_at=moment,
    )


def vote_retract(*, tenant_id: str, voter_id: str, review_id: str) -> None:
    """Take a vote back (one Query, one UpdateItem); `vote_not_found` if the voter has none on this review."""
    review_id, pk, author_id, _ = _votable(tenant_id=tenant_id, voter_id=voter_id, review_id=review_id)
    vote = ReviewVote(pk, ReviewVote.sort_key(author_id, voter_id))
    try:
        vote.update(
            actions=[ReviewVote.helpful.remove(), ReviewVote.revision.add(1), ReviewVote.updated_at.set(now())],
            condition=ReviewVote.helpful.exists() & (ReviewVote.review_id == review_id),
        )
    except UpdateError as exc:
        if is_condition_failure(exc):
            raise ApplicationError(ReviewsError.VOTE_NOT_FOUND) from exc
        raise


def _moderated(*, tenant_id: str, review_id: str) -> Review:
    pk, sk = review_key_get(tenant_id=tenant_id, review_id=review_id)
    try:
        return Review.get(pk, sk, consistent_read=True)
    except Review.DoesNotExist as exc:
        raise ApplicationError(ReviewsError.REVIEW_NOT_FOUND) from exc


def _set_status(review: Review, *, status: str, reason: str | None) -> Review:
    """Move a review to `status` (one UpdateItem on the revision read): listed and counted only when published."""
    moment = now()
    published_at = review.published_at or moment
    actions = [
        Review.status.set(status),
        Review.status_key.set(Review.status_key_for(review.tenant_id, status)),
        Review.revision.add(1),
        Review.updated_at.set(moment),
        Review.hidden_reason.set(reason) if reason else Review.hidden_reason.remove(),
    ]
    if status == PUBLISHED:
        actions.append(Review.published_at.set(published_at))
    actions += _listing_keys(status=status, score=review.score, published_at=published_at, user_id=review.user_id)
    try:
        review.update(actions=actions, condition=Review.revision == review.revision)
    except UpdateError as exc:
        if is_condition_failure(exc):
            raise ApplicationError(ReviewsError.REVIEW_CHANGED) from exc
        raise
    return review


def review_hide(*, tenant_id: str, review_id: str, reason: str) -> Review:
    """Hide a review (admins): it leaves listings and aggregates; its author sees it hidden, with the reason."""
    return _set_status(_moderated(tenant_id=tenant_id, review_id=review_id), status=HIDDEN, reason=reason)


def review_restore(*, tenant_id: str, review_id: str) -> Review:
    """Publish a hidden or pending review again (admins): restore and approve are this one change."""
    return _set_status(_moderated(tenant_id=tenant_id, review_id=review_id), status=PUBLISHED, reason=None)
