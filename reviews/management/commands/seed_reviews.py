"""Seed demo reviews and helpful votes on a tenant's catalogue."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from reviews.seeding import reviews_seed


class Command(BaseCommand):
    help = (
        "Seed realistic reviews (scores skewed to 4-5, some by verified buyers, some voted helpful) by "
        "synthetic readers on every active book of a tenant, and set each book's rating from them. "
        "Deterministic for a tenant and --seed: a re-run writes the same reviews."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="Id of the tenant whose books to review.")
        parser.add_argument("--seed", type=int, default=0, help="Random seed: the same seed gives the same reviews.")
        parser.add_argument("--dry-run", action="store_true", help="Count what would be written; write nothing.")

    def handle(self, *args, tenant, seed=0, dry_run=False, **options):
        with tqdm(desc=tenant, unit="book", disable=None) as bar:
            result = reviews_seed(tenant_id=tenant, seed=seed, dry_run=dry_run, on_progress=bar.update)
        verb = "Would seed" if dry_run else "Seeded"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} {result.reviews} reviews and {result.votes} votes on {result.books} books.")
        )
