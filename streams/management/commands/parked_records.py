"""`manage.py parked_records`: list the stream records the poller parked, or replay them."""

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from streams.services import parked_record_replay, parked_records_list


class Command(BaseCommand):
    help = "List the stream records parked after repeated failures, or replay them through the stream handlers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["list", "replay"], help="list: show them; replay: process them again.")
        parser.add_argument("--tables", help="Comma-separated logical table names (default: every streamed table).")
        parser.add_argument("--tenant", help="Only the records of this tenant.")

    def handle(self, *args, **options) -> None:
        tables = [t.strip() for t in options["tables"].split(",")] if options["tables"] else None
        parked = [
            p for p in parked_records_list(tables=tables) if not options["tenant"] or p.tenant_id == options["tenant"]
        ]
        if options["action"] == "list":
            for p in parked:
                self.stdout.write(
                    f"{p.table}  {p.position}  tenant={p.tenant_id}  {p.event_name}  attempts={p.attempts}  "
                    f"parked_at={p.parked_at.isoformat()}  reason={p.reason}"
                )
            self.stdout.write(f"{len(parked)} parked records.")
            return
        replayed = sum(parked_record_replay(parked=p) for p in tqdm(parked, desc="replay", unit="rec", disable=None))
        self.stdout.write(f"Replayed {replayed} of {len(parked)} parked records; {len(parked) - replayed} still fail.")
