"""Import an export made by export_tables: verify it whole, then write it (optionally renaming a tenant)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bookstore.dynamodb.exports import parse_rename, tables_import
from bookstore.errors import ApplicationError
from bookstore.management.commands.export_tables import tqdm_progress


class Command(BaseCommand):
    help = (
        "Restore an export into this stage's tables with BatchWriteItem (unprocessed items retried with backoff). "
        "Checksums, counts and key schemas are verified first: a damaged export is refused and nothing is written. "
        "Safe to re-run: it ends in the same state."
    )

    def add_arguments(self, parser):
        parser.add_argument("--in", dest="in_dir", required=True, help="Directory of the export (with manifest.json).")
        parser.add_argument("--tenant", help="Import only this tenant's items (stage-owned tables are skipped).")
        parser.add_argument(
            "--rename-tenant",
            metavar="OLD:NEW",
            help="Rewrite every key and attribute that carries tenant OLD to carry NEW (move or copy a tenant).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Verify and count what would be written; write nothing."
        )

    def handle(self, *args, in_dir, tenant=None, rename_tenant=None, dry_run=False, **options):
        try:
            rename = parse_rename(rename_tenant) if rename_tenant else None
            result = tables_import(
                in_dir=Path(in_dir), tenant_id=tenant, rename=rename, dry_run=dry_run, progress=tqdm_progress
            )
        except ApplicationError as exc:
            raise CommandError(f"{exc.message} {exc.details}") from exc
        manifest = result.manifest.data
        self.stdout.write(
            f"Export of {manifest['stage']} at {manifest['created_at']} (tenant: {manifest['tenant'] or 'all'})"
        )
        for table, count in sorted(result.written.items()):
            skipped = result.skipped.get(table, 0)
            self.stdout.write(f"  {table}: {count} items" + (f" ({skipped} skipped)" if skipped else ""))
        verb = "Would write" if dry_run else "Wrote"
        renamed = f", {result.renamed} renamed {rename[0]} → {rename[1]}" if rename else ""
        self.stdout.write(self.style.SUCCESS(f"{verb} {sum(result.written.values())} items{renamed}."))
