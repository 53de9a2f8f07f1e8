"""Export the registered DynamoDB tables (or one tenant's items) to gzipped JSON lines with a manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from bookstore.dynamodb.exports import SCAN_SEGMENTS, tables_export
from bookstore.errors import ApplicationError


def tqdm_progress(table: str, total: int | None):
    # disable=None: no bar when the output is not a terminal (CI logs, make run).
    return tqdm(desc=table, total=total, unit="item", disable=None, leave=False)


class Command(BaseCommand):
    help = (
        "Write every registered table to DIR as one gzipped JSON-lines file per table (DynamoDB-typed values: "
        "exact decimals, sets, binary, nulls) plus manifest.json with key schemas, counts, checksums, time and "
        "stage. Reads with parallel Scan segments: an operations command, not for request paths."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="Directory to write the export to (created if missing).")
        parser.add_argument("--tenant", help="Keep only this tenant's items (stage-owned tables are left out).")
        parser.add_argument(
            "--tables", nargs="+", help="Logical table names to export (default: every exportable table)."
        )
        parser.add_argument(
            "--segments", type=int, default=SCAN_SEGMENTS, help=f"Parallel Scan segments (default {SCAN_SEGMENTS})."
        )

    def handle(self, *args, out, tenant=None, tables=None, segments=SCAN_SEGMENTS, **options):
        if segments < 1:
            raise CommandError("--segments must be 1 or more.")
        try:
            result = tables_export(
                out_dir=Path(out), tenant_id=tenant, tables=tables, segments=segments, progress=tqdm_progress
            )
        except ApplicationError as exc:
            raise CommandError(f"{exc.message} {exc.details}") from exc
        for table in result.tables:
            self.stdout.write(f"  {table.table}: {table.count} items")
        scope = f"tenant '{tenant}'" if tenant else "the whole stage"
        total = sum(t.count for t in result.tables)
        self.stdout.write(
            self.style.SUCCESS(f"Exported {scope}: {total} items in {len(result.tables)} tables to {out}")
        )
