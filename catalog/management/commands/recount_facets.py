"""Repair a tenant's category and author counts from its books."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from bookstore.errors import ApplicationError
from bookstore.management.tenant_targets import tenant_target_arguments, tenant_targets
from catalog.services import facets_recount


class Command(BaseCommand):
    help = (
        "Recompute a tenant's category and author counts from its active books and correct the wrong ones "
        "(e.g. after an interrupted seed_catalog). Idempotent; a count that changes during the run is left "
        "for a re-run, never overwritten."
    )

    def add_arguments(self, parser):
        tenant_target_arguments(parser, what="counts")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")

    def handle(self, *args, tenant=None, all=False, dry_run=False, **options):
        for tenant_id in tenant_targets(tenant=tenant, all=all):
            self._recount(tenant_id, dry_run=dry_run)

    def _recount(self, tenant, *, dry_run):
        try:
            # disable=None: no bar when the output is not a terminal (CI logs, make run).
            with tqdm(desc=tenant, unit="book", disable=None) as bar:
                result = facets_recount(tenant_id=tenant, dry_run=dry_run, on_progress=bar.update)
        except ApplicationError as exc:
            raise CommandError(f"{exc.message} ({tenant})") from exc
        verb = "would correct" if dry_run else "corrected"
        for change in result.changes:
            self.stdout.write(f"  {change.kind.lower()} {change.name!r}: {change.before} → {change.after}")
        for change in result.raced:
            self.stdout.write(f"  {change.kind.lower()} {change.name!r}: changed during the run, left as it is")
        summary = f"Recounted '{tenant}' from {result.books} active books: {verb} {len(result.changes)} counts."
        if result.raced:
            summary += f" {len(result.raced)} changed meanwhile: run it again."
        self.stdout.write(self.style.SUCCESS(summary))
