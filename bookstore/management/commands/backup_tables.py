"""Back up every table of the stage with DynamoDB point-in-time exports to S3, all at one export time."""

import argparse
from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError

from bookstore.backups import POLL_SECONDS, backup_create
from bookstore.errors import ApplicationError
from bookstore.management.commands.export_tables import tqdm_progress


def export_time_argument(value: str) -> datetime:
    """An ISO-8601 time; without an offset it is UTC."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO-8601 time such as 2026-12-02T10:41:00Z: {value!r}") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Command(BaseCommand):
    help = (
        "Export every table of this stage to the stage's backup bucket (BACKUP_BUCKET) with ExportTableToPointInTime, "
        "all at ONE export time, so that the tables of the backup show the same instant. Point-in-time recovery must "
        "be on for every table. Waits for the exports, then writes backup-manifest.json (tables, export ARNs, the "
        "export time, S3 prefixes and data files). Runs with the operator's credentials, not the function's role."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--export-time",
            type=export_time_argument,
            help="The instant to back up, ISO-8601 (UTC unless it says otherwise), within every table's "
            "point-in-time recovery window. Default: now (to the second).",
        )
        parser.add_argument(
            "--tables", nargs="+", help="Logical table names to export (default: every exportable table)."
        )
        parser.add_argument(
            "--poll-seconds",
            type=float,
            default=POLL_SECONDS,
            help=f"Seconds between two DescribeExport rounds while waiting (default {POLL_SECONDS:g}).",
        )

    def handle(self, *args, export_time=None, tables=None, poll_seconds=POLL_SECONDS, **options):
        if poll_seconds <= 0:
            raise CommandError("--poll-seconds must be more than 0.")
        try:
            backup = backup_create(
                export_time=export_time, tables=tables, poll_seconds=poll_seconds, progress=tqdm_progress
            )
        except ApplicationError as exc:
            raise CommandError(f"{exc.message} {exc.details}") from exc
        for name, table in sorted(backup.tables.items()):
            self.stdout.write(f"  {name}: {table.item_count} items, {len(table.data_files)} files ({table.export_arn})")
        total = sum(t.item_count for t in backup.tables.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {total} items in {len(backup.tables)} tables as of {backup.export_time.isoformat()} "
                f"to {backup.location.uri}"
            )
        )
