"""Repair a tenant's rating aggregates, listed ratings and helpful counts from the reviews table."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from bookstore.errors import ApplicationError
from bookstore.management.tenant_targets import tenant_target_arguments, tenant_targets
from reviews.aggregates import reviews_recount


class Command(BaseCommand):
    help = (
        "Recompute every book's rating count, sum, histogram and listed rating, and every review's helpful "
        "counts, from the reviews table, and correct the wrong ones. Books without a published review lose "
        "any listed rating (a rating set by hand). Idempotent; run it with the stream "
        "handlers caught up."
    )

    def add_arguments(self, parser):
        tenant_target_arguments(parser, what="aggregates")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")

    def handle(self, *args, tenant=None, all=False, dry_run=False, **options):
        for tenant_id in tenant_targets(tenant=tenant, all=all):
            try:
                with tqdm(desc=tenant_id, unit="book", disable=None) as bar:
                    result = reviews_recount(tenant_id=tenant_id, dry_run=dry_run, on_progress=bar.update)
            except ApplicationError as exc:
                raise CommandError(f"{exc.message} ({tenant_id})") from exc
            verb = "would correct" if dry_run else "corrected"
            self.stdout.write(
                self.style.SUCCESS(
                    f"Recounted '{tenant_id}' from {result.books} books: {verb} the ratings of "
                    f"{len(result.ratings_corrected)} books and the helpful counts of "
                    f"{len(result.helpful_corrected)} reviews."
                )
            )
