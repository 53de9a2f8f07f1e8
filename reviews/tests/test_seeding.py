"""reviews/seeding.py `reviews_seed` (the `seed_reviews` command): realistic, exact and idempotent demo reviews."""

from io import StringIO

from django.core.management import call_command

from catalog.models import BookRatings
from catalog.services import catalog_seed
from reviews.aggregates import reviews_recount
from reviews.models import Review


def _ratings(tenant_id: str) -> dict[str, tuple]:
    return {
        r.book_id: (int(r.rating_count), int(r.rating_sum), r.listed_rating)
        for r in BookRatings.scan(BookRatings.sk == BookRatings.SORT_KEY)
        if r.tenant_id == tenant_id
    }


def test_seeded_reviews_are_skewed_high_verified_in_part_voted_and_counted_once(tenant, consume_streams):
    catalog_seed(tenant_id="tenant1", target=15, seed=1)
    out = StringIO()
    call_command("seed_reviews", "--tenant", "tenant1", stdout=out)
    assert "reviews and" in out.getvalue()
    reviews = [r for r in Review.scan(Review.sk.startswith("REVIEW#")) if r.tenant_id == "tenant1"]
    scores = [int(r.score) for r in reviews]
    assert len(reviews) > 15
    assert sum(scores) / len(scores) > 3.7
    assert 0 < sum(r.verified_purchase for r in reviews) < len(reviews)
    assert any(r.helpful_count for r in reviews)
    seeded = _ratings("tenant1")
    assert reviews_recount(tenant_id="tenant1", dry_run=True).ratings_corrected == []

    consume_streams("--tables", "reviews")  # the seed's records find their markers
    call_command("seed_reviews", "--tenant", "tenant1", stdout=StringIO())  # a re-run writes the same
    consume_streams("--tables", "reviews")
    assert _ratings("tenant1") == seeded
    assert reviews_recount(tenant_id="tenant1", dry_run=True).helpful_corrected == []
