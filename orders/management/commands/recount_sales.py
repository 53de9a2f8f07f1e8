"""Repair a tenant's sales and co-purchase counters from its purchases."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from bookstore.errors import ApplicationError
from bookstore.management.tenant_targets import tenant_target_arguments, tenant_targets
from orders.sales_recount import sales_recount


class Command(BaseCommand):
    help = (
        "Recompute the best-seller (units sold per book) and co-purchase counters from the purchases table and "
        "correct the wrong ones (e.g. after a restore lost stream records that were not handled yet). "
        "Idempotent; a count that the stream moves during the run is left for a re-run, never overwritten."
    )

    def add_arguments(self, parser):
        tenant_target_arguments(parser, what="counters")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")

    def handle(self, *args, tenant=None, all=False, dry_run=False, **options):
        for tenant_id in tenant_targets(tenant=tenant, all=all):
            try:
                # disable=None: no bar when the output is not a terminal (CI logs, make run).
                with tqdm(desc=tenant_id, unit="purchase", disable=None) as bar:
                    result = sales_recount(tenant_id=tenant_id, dry_run=dry_run, on_progress=bar.update)
            except ApplicationError as exc:
                raise CommandError(f"{exc.message} ({tenant_id})") from exc
            for change in result.changes:
                self.stdout.write(f"  {change.kind} {change.key}: {change.before} → {change.after}")
            for change in result.raced:
                self.stdout.write(f"  {change.kind} {change.key}: changed during the run, left as it is")
            verb = "would correct" if dry_run else "corrected"
            summary = f"Recounted '{tenant_id}' from {result.purchases} purchases: {verb} {len(result.changes)} counts."
            if result.raced:
                summary += f" {len(result.raced)} changed meanwhile: run it again."
            self.stdout.write(self.style.SUCCESS(summary))
