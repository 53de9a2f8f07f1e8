"""Seed a tenant's catalogue with real and synthetic books."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from bookstore.errors import ApplicationError
from catalog.services import catalog_seed


class Command(BaseCommand):
    help = (
        "Write COUNT books into a tenant's catalogue: a curated core of real Spanish and English titles, "
        "then synthetic ones reproducible with --seed. Safe to re-run: ISBNs already in the catalogue are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="Id of an existing, active tenant.")
        parser.add_argument("--count", type=int, required=True, help="How many books to write (curated first).")
        parser.add_argument("--seed", type=int, default=0, help="Seed of the synthetic books (default 0).")
        parser.add_argument("--dry-run", action="store_true", help="Count what would be written; write nothing.")

    def handle(self, *args, tenant, count, seed, dry_run=False, **options):
        if count < 0:
            raise CommandError("--count must be 0 or more.")
        try:
            # disable=None: no bar when the output is not a terminal (CI logs, make run).
            with tqdm(total=count, unit="book", disable=None) as bar:
                result = catalog_seed(tenant_id=tenant, count=count, seed=seed, dry_run=dry_run, on_progress=bar.update)
        except ApplicationError as exc:
            raise CommandError(f"{exc.message} ({tenant})") from exc
        verb = "Would seed" if dry_run else "Seeded"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} '{tenant}': {result.created} books created, {result.skipped} already there.")
        )
