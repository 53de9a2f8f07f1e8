"""Demo reviews for a seeded catalogue: realistic scores (skewed to 4-5), some verified, some voted on.

The readers are synthetic (ids derived from the tenant, the book and a number; no accounts), so
a re-run writes the same items again. Each review and vote is written with the marker its
stream record would put, and each book's aggregates are then set from the table, so the
seeded numbers are complete at once and the stream handler counts nothing twice.
"""

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

from bookstore.dynamodb.clock import now
from catalog import keys
from catalog.models import Book
from reviews.aggregates import ReviewRecount, book_recount
from reviews.models import PUBLISHED, Review, ReviewMarker, ReviewVote
from reviews.services import author_name

SEED_NAMESPACE = uuid.UUID("0d6b8a53-3a1f-4a43-b7f6-5f8a51d9c2e4")
SCORE_WEIGHTS = {5: 45, 4: 30, 3: 12, 2: 7, 1: 6}
MAX_REVIEWS_PER_BOOK = 8
VERIFIED_SHARE = 0.4
FIRST_NAMES = ("Ana", "Luis", "Marta", "Javier", "Lucía", "Pablo", "Emma", "Oliver", "Sofía", "Daniel", "Grace", "Hugo")
LAST_NAMES = ("García", "Smith", "López", "Brown", "Martín", "Taylor", "Sánchez", "Wilson", "Ruiz", "Evans")
TITLES = {
    "en": {5: "A masterpiece", 4: "Really good", 3: "Worth a read", 2: "Not for me", 1: "Disappointing"},
    "es": {5: "Una obra maestra", 4: "Muy bueno", 3: "Se deja leer", 2: "No es para mí", 1: "Decepcionante"},
}
BODIES = {
    "en": ("I could not put it down.", "The characters stayed with me for weeks.", "Slow start, strong ending."),
    "es": ("No pude dejar de leerlo.", "Los personajes me acompañaron semanas.", "Empieza lento, acaba fuerte."),
}


@dataclass
class ReviewSeed:
    books: int = 0
    reviews: int = 0
    votes: int = 0


def _reader_id(tenant_id: str, *parts: object) -> str:
    return str(uuid.uuid5(SEED_NAMESPACE, ":".join([tenant_id, *map(str, parts)])))


def _book_reviews(book: Book, rng: random.Random) -> tuple[list[Review], list[ReviewVote]]:
    tenant_id, language = book.tenant_id, book.language if book.language in TITLES else "en"
    reviews, votes = [], []
    for n in range(rng.randint(0, MAX_REVIEWS_PER_BOOK)):
        user_id = _reader_id(tenant_id, book.book_id, n)
        review_id = _reader_id(tenant_id, book.book_id, n, "review")
        score = rng.choices(list(SCORE_WEIGHTS), weights=list(SCORE_WEIGHTS.values()))[0]
        written = book.created_at - timedelta(days=rng.randint(1, 400), minutes=rng.randint(0, 1440))
        voters = [_reader_id(tenant_id, book.book_id, n, "voter", v) for v in range(rng.choice((0, 0, 1, 2, 4)))]
        helpful = [rng.random() < 0.8 for _ in voters]
        moment = written.isoformat()
        reviews.append(
            Review(
                Review.key(tenant_id, book.book_id),
                Review.sort_key(user_id),
                tenant_id=tenant_id,
                book_id=book.book_id,
                user_id=user_id,
                review_id=review_id,
                score=score,
                title=TITLES[language][score],
                body=rng.choice(BODIES[language]),
                author_name=author_name(rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)),
                verified_purchase=rng.random() < VERIFIED_SHARE,
                status=PUBLISHED,
                revision=1,
                helpful_count=sum(helpful),
                unhelpful_count=len(helpful) - sum(helpful),
                created_at=written,
                published_at=written,
                published_key=f"{moment}#{user_id}",
                score_key=f"{score}#{moment}#{user_id}",
                user_key=Review.user_key_for(tenant_id, user_id),
                status_key=Review.status_key_for(tenant_id, PUBLISHED),
                review_key=Review.review_key_for(tenant_id, review_id),
            )
        )
        votes += [
            ReviewVote(
                Review.key(tenant_id, book.book_id),
                ReviewVote.sort_key(user_id, voter),
                tenant_id=tenant_id,
                book_id=book.book_id,
                review_id=review_id,
                voter_id=voter,
                helpful=vote,
                revision=1,
                updated_at=written,
            )
            for voter, vote in zip(voters, helpful, strict=True)
        ]
    return reviews, votes


def reviews_seed(
    *, tenant_id: str, seed: int = 0, dry_run: bool = False, on_progress: Callable[[int], None] | None = None
) -> ReviewSeed:
    """Seed demo reviews and votes on every active book of the tenant, then set each book's aggregates.

    Deterministic for a tenant and `seed`: a re-run puts the same items again. Per book: the
    reviews, their votes and their markers in BatchWriteItems, then one recount of the book.
    """
    result = ReviewSeed()
    expires_at = now() + timedelta(days=settings.SALES_MARKER_TTL_DAYS)
    for book in Book.catalog_newest_index.query(keys.catalog_key(tenant_id)):
        rng = random.Random(f"{tenant_id}:{book.book_id}:{seed}")
        reviews, votes = _book_reviews(book, rng)
        result.books += 1
        result.reviews += len(reviews)
        result.votes += len(votes)
        if not dry_run and reviews:
            markers = [ReviewMarker(f"{tenant_id}#{r.review_id}#1", expires_at=expires_at) for r in reviews]
            markers += [ReviewMarker(f"{v.pk}#{v.sk}#1", expires_at=expires_at) for v in votes]
            with ReviewMarker.batch_write() as batch:
                for marker in markers:
                    batch.save(marker)
            with Review.batch_write() as batch:
                for review in reviews:
                    batch.save(review)
            with ReviewVote.batch_write() as batch:
                for vote in votes:
                    batch.save(vote)
            book_recount(tenant_id, book.book_id, ReviewRecount(), dry_run=False, book=book)
        if on_progress:
            on_progress(1)
    return result
