"""`manage.py parked_records`: list or replay parked stream records, or collect the batches Lambda gave up on."""

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from streams.services import failed_batches_collect, parked_record_replay, parked_records_list


class Command(BaseCommand):
    help = (
        "List the stream records parked after repeated failures, replay them through the stream handlers, or "
        "collect (on AWS) the batches Lambda sent to the stage's failure queue, parking their records for replay."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action",
            choices=["list", "replay", "collect"],
            help="list: show them; replay: process them again; collect: park what the failure queue holds.",
        )
        parser.add_argument("--tables", help="Comma-separated logical table names (default: every streamed table).")
        parser.add_argument("--tenant", help="Only the records of this tenant.")

    def handle(self, *args, **options) -> None:
        if options["action"] == "collect":
            result = failed_batches_collect()
            self.stdout.write(
                f"Collected {result.batches} failed batches: {result.parked} records parked, "
                f"{result.unreadable} batches no longer in their stream."
            )
            return
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
