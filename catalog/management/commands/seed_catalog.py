"""Seed a tenant's catalogue with real and synthetic books, up to a target size."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from bookstore.errors import ApplicationError
from catalog.selectors import catalog_size
from catalog.services import catalog_seed


class Command(BaseCommand):
    help = (
        "Add books to a tenant's catalogue until it holds --target active books: a curated core of real "
        "Spanish and English titles first, then synthetic ones reproducible with --seed. Safe to re-run: "
        "a catalogue already at the target gets nothing, and ISBNs already in it are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="Id of an existing, active tenant.")
        parser.add_argument(
            "--target",
            type=int,
            required=True,
            help="The catalogue's size afterwards, in active books (not a number to add).",
        )
        parser.add_argument("--seed", type=int, default=0, help="Seed of the synthetic books (default 0).")
        parser.add_argument("--dry-run", action="store_true", help="Count what would be written; write nothing.")

    def handle(self, *args, tenant, target, seed, dry_run=False, **options):
        if target < 0:
            raise CommandError("--target must be 0 or more.")
        try:
            # disable=None: no bar when the output is not a terminal (CI logs, make run).
            initial = min(target, catalog_size(tenant_id=tenant))
            with tqdm(total=target, initial=initial, unit="book", disable=None) as bar:
                result = catalog_seed(
                    tenant_id=tenant, target=target, seed=seed, dry_run=dry_run, on_progress=bar.update
                )
        except ApplicationError as exc:
            raise CommandError(f"{exc.message} ({tenant})") from exc
        verb = "Would seed" if dry_run else "Seeded"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} '{tenant}': {result.created} books added ({result.skipped} ISBNs already there); "
                f"the catalogue {'would hold' if dry_run else 'holds'} {result.total} active books."
            )
        )
