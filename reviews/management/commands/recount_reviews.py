"""Repair a tenant's rating aggregates, listed ratings and helpful counts from the reviews table."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from bookstore.errors import ApplicationError
from reviews.aggregates import reviews_recount


class Command(BaseCommand):
    help = (
        "Recompute every book's rating count, sum, histogram and listed rating, and every review's helpful "
        "counts, from the reviews table, and correct the wrong ones. Books without a published review lose "
        "any listed rating (a rating set by hand). Idempotent; run it with the stream "
        "handlers caught up."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="Id of the tenant whose aggregates to repair.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")

    def handle(self, *args, tenant, dry_run=False, **options):
        try:
            with tqdm(desc=tenant, unit="book", disable=None) as bar:
                result = reviews_recount(tenant_id=tenant, dry_run=dry_run, on_progress=bar.update)
        except ApplicationError as exc:
            raise CommandError(f"{exc.message} ({tenant})") from exc
        verb = "would correct" if dry_run else "corrected"
        self.stdout.write(
            self.style.SUCCESS(
                f"Recounted '{tenant}' from {result.books} books: {verb} the ratings of "
                f"{len(result.ratings_corrected)} books and the helpful counts of {len(result.helpful_corrected)} "
                "reviews."
            )
        )
