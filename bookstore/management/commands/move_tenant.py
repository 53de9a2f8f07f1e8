"""Copy one tenant out of a point-in-time backup into this stage's tables, optionally under a new id."""

from django.core.management.base import BaseCommand, CommandError

from bookstore.backups import backup_location, tenant_move_from_backup
from bookstore.errors import ApplicationError
from bookstore.management.commands.export_tables import tqdm_progress


class Command(BaseCommand):
    help = (
        "Read a backup made by backup_tables (DynamoDB's point-in-time exports in S3, never the live tables), keep "
        "one tenant's items, rename them if asked, and put them into this stage's tables with BatchWriteItem. The "
        "backup, its data files and the target tables' key schemas are verified first: a damaged backup is refused "
        "and nothing is written. The tenant's registry item is written last, so an interrupted move is re-run as is."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--backup",
            required=True,
            help="A backup id of this stage's bucket (e.g. 20261202T101500Z) or s3://bucket/prefix of any backup.",
        )
        parser.add_argument("--tenant", required=True, help="The tenant to move, as it is named in the backup.")
        parser.add_argument("--to", dest="new_tenant", help="Its new id here (default: the same id).")
        parser.add_argument(
            "--table-prefix",
            help="Write into the tables of this prefix, e.g. bookstore-dev- (default: this stage's, "
            "DYNAMODB_TABLE_PREFIX). The tables must exist (create_tables).",
        )
        parser.add_argument(
            "--into-existing",
            action="store_true",
            help="Write even though the target tenant exists here: put the backup's items over a live tenant's "
            "(an interrupted move needs no flag: the tenant exists only once all of its items are in).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Verify and count what would be written; write nothing."
        )

    def handle(
        self, *args, backup, tenant, new_tenant=None, table_prefix=None, into_existing=False, dry_run=False, **options
    ):
        try:
            move = tenant_move_from_backup(
                location=backup_location(backup),
                tenant_id=tenant,
                new_tenant_id=new_tenant,
                table_prefix=table_prefix,
                into_existing=into_existing,
                dry_run=dry_run,
                progress=tqdm_progress,
            )
        except ApplicationError as exc:
            raise CommandError(f"{exc.message} {exc.details}") from exc
        self.stdout.write(
            f"Backup of {move.backup.stage} as of {move.backup.export_time.isoformat()} ({move.backup.location.uri})"
        )
        for table, count in sorted(move.written.items()):
            if count:
                self.stdout.write(f"  {table}: {count} items")
        verb = "Would write" if dry_run else "Wrote"
        renamed = f" as '{move.target}'" if move.target != move.tenant else ""
        self.stdout.write(
            self.style.SUCCESS(f"{verb} {sum(move.written.values())} items of tenant '{move.tenant}'{renamed}.")
        )
