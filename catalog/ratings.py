"""Every write of a book's rating aggregates (`BookRatings`) and of the book's listed `rating`.

The reviews app moves the aggregates from its stream handler, inside its own transaction
(with the marker that makes the move exactly once): this module is the seam through which
it changes the catalogue's items without writing their attributes itself, as
`catalog/stock.py` is for sales. `rating_listed_sync` then writes the book's `rating`, only
when the rounded mean differs from the one listed, so a review rewrites the book (and its
nine index copies) only when what a listing shows changes.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from pynamodb.exceptions import UpdateError

from bookstore.dynamodb.conditions import is_condition_failure
from bookstore.dynamodb.transactions import LabelledTransaction
from catalog.models import Book, BookRatings

RATING_PLACES = Decimal("0.01")
SCORES = range(1, 6)


@dataclass
class RatingMove:
    """What one change does to a book's aggregates: the scores it takes out and the ones it adds."""

    removed: list[int] = field(default_factory=list)
    added: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return sorted(self.removed) != sorted(self.added)


def ratings_item(*, tenant_id: str, book_id: str) -> BookRatings:
    """The aggregates item's key, to update it (no read)."""
    return BookRatings(BookRatings.key(tenant_id, book_id), BookRatings.SORT_KEY)


def ratings_move(tx: LabelledTransaction, *, tenant_id: str, book_id: str, move: RatingMove) -> None:
    """ADD a change's effect to the book's count, sum and histogram (label `ratings:{book_id}`)."""
    buckets = {score: 0 for score in SCORES}
    for score in move.removed:
        buckets[score] -= 1
    for score in move.added:
        buckets[score] += 1
    actions = [
        BookRatings.tenant_id.set(tenant_id),
        BookRatings.book_id.set(book_id),
        BookRatings.rating_count.add(len(move.added) - len(move.removed)),
        BookRatings.rating_sum.add(sum(move.added) - sum(move.removed)),
    ]
    actions += [getattr(BookRatings, f"stars_{score}").add(n) for score, n in buckets.items() if n]
    tx.update(f"ratings:{book_id}", ratings_item(tenant_id=tenant_id, book_id=book_id), actions=actions)


def rating_mean(*, count: int, total: int) -> Decimal | None:
    """The listed rating: the mean of the scores to 2 decimals (half up), None without reviews."""
    if count <= 0:
        return None
    return (Decimal(total) / Decimal(count)).quantize(RATING_PLACES, rounding=ROUND_HALF_UP)


def ratings_get(*, tenant_id: str, book_id: str, consistent: bool = False) -> BookRatings | None:
    try:
        return BookRatings.get(BookRatings.key(tenant_id, book_id), BookRatings.SORT_KEY, consistent_read=consistent)
    except BookRatings.DoesNotExist:
        return None


def rating_listed_sync(*, tenant_id: str, book_id: str) -> bool:
    """Write the book's `rating` from its aggregates if the rounded mean changed; True if it wrote.

    One consistent GetItem of the aggregates; then, only on a change, the book's `rating`
    (through the table connection, so the book's `version`, which only admin edits move,
    stays) and the aggregates' `listed_rating`, conditioned on the book existing. Safe to
    repeat: a second call finds nothing to change.
    """
    ratings = ratings_get(tenant_id=tenant_id, book_id=book_id, consistent=True)
    if ratings is None:
        return False
    mean = rating_mean(count=int(ratings.rating_count or 0), total=int(ratings.rating_sum or 0))
    if mean == ratings.listed_rating:
        return False
    rating_list(tenant_id=tenant_id, book_id=book_id, rating=mean)
    return True


def rating_list(*, tenant_id: str, book_id: str, rating: Decimal | None) -> None:
    """Show `rating` on the book (None removes it) and remember it as listed; a missing book is skipped."""
    book_action = Book.rating.set(rating) if rating is not None else Book.rating.remove()
    try:
        Book._get_connection().update_item(
            Book.key(tenant_id, book_id), Book.SORT_KEY, actions=[book_action], condition=Book.pk.exists()
        )
    except UpdateError as exc:
        if not is_condition_failure(exc):
            raise
    listed = BookRatings.listed_rating.set(rating) if rating is not None else BookRatings.listed_rating.remove()
    BookRatings._get_connection().update_item(
        BookRatings.key(tenant_id, book_id), BookRatings.SORT_KEY, actions=[listed]
    )


@dataclass(frozen=True)
class RatingCounts:
    """A recount's result for one book: the published scores found in the reviews."""

    count: int
    total: int
    histogram: dict[int, int]


def ratings_replace(*, tenant_id: str, book_id: str, scores: Iterable[int]) -> RatingCounts:
    """Set a book's aggregates to exactly `scores` (a recount), and list their mean on the book.

    The mean is written whatever the book shows, so a rating no review supports (one an
    admin set by hand) is removed.
    """
    scores = list(scores)
    histogram = {score: scores.count(score) for score in SCORES}
    actions = [
        BookRatings.tenant_id.set(tenant_id),
        BookRatings.book_id.set(book_id),
        BookRatings.rating_count.set(len(scores)),
        BookRatings.rating_sum.set(sum(scores)),
    ]
    actions += [getattr(BookRatings, f"stars_{score}").set(n) for score, n in histogram.items()]
    BookRatings._get_connection().update_item(
        BookRatings.key(tenant_id, book_id), BookRatings.SORT_KEY, actions=actions
    )
    rating_list(tenant_id=tenant_id, book_id=book_id, rating=rating_mean(count=len(scores), total=sum(scores)))
    return RatingCounts(count=len(scores), total=sum(scores), histogram=histogram)
