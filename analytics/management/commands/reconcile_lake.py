"""Make a tenant's data-lake purchase rows agree with its purchases table."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from analytics.lake_reconcile import lake_reconcile
from bookstore.management.tenant_targets import tenant_target_arguments, tenant_targets


class Command(BaseCommand):
    help = (
        "Compare a tenant's purchase rows in the data lake with its purchases table: remove the rows of purchases "
        "(and cancellations) the table does not hold, add the rows it holds that the lake misses, and build the "
        "daily summaries of the finished days that changed again. Idempotent."
    )

    def add_arguments(self, parser):
        tenant_target_arguments(parser, what="lake")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")

    def handle(self, *args, tenant=None, all=False, dry_run=False, **options):
        for tenant_id in tenant_targets(tenant=tenant, all=all):
            # disable=None: no bar when the output is not a terminal (CI logs, make run).
            with tqdm(desc=tenant_id, unit="purchase", disable=None) as bar:
                result = lake_reconcile(tenant_id=tenant_id, dry_run=dry_run, on_progress=bar.update)
            removed, added = ("would remove", "would add") if dry_run else ("removed", "added")
            summary = (
                f"Lake of '{tenant_id}' against {result.purchases} purchases ({result.files_read} files): "
                f"{removed} {result.rows_removed} rows of {len(result.removed)} purchases, "
                f"{added} {result.rows_added} rows of {len(result.added)} purchases"
            )
            if result.summaries_rebuilt:
                summary += f"; daily summaries built again: {', '.join(result.summaries_rebuilt)}"
            self.stdout.write(self.style.SUCCESS(summary + "."))
