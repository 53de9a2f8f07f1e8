"""`manage.py consume_streams`: the local stand-in for Lambda's stream event source mappings."""

import threading

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from streams.poller import StreamPoller, skip_backlog


def _tables(value: str | None) -> list[str] | None:
    return [t.strip() for t in value.split(",") if t.strip()] if value else None


class Command(BaseCommand):
    help = (
        "Read the DynamoDB Streams of the streamed tables and call the stream handlers with Lambda-shaped "
        "events, keeping a checkpoint per shard. Runs until interrupted, or drains once with --once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Process every record there is now, then exit.")
        parser.add_argument(
            "--tables", help="Comma-separated logical table names to follow (default: every table with a handler)."
        )
        parser.add_argument("--batch-size", type=int, help="Records per handler call (default: STREAMS_BATCH_SIZE).")
        parser.add_argument(
            "--max-records", type=int, help="With --once: stop after about this many records (at a batch boundary)."
        )
        parser.add_argument(
            "--skip-backlog",
            action="store_true",
            help="Move every checkpoint to the end of its stream without running handlers, then exit.",
        )

    def handle(self, *args, **options) -> None:
        tables = _tables(options["tables"])
        if options["skip_backlog"]:
            skipped = skip_backlog(tables=tables)
            self.stdout.write(f"Skipped {skipped} records.")
            return
        kwargs = {"tables": tables} | ({"batch_size": options["batch_size"]} if options["batch_size"] else {})
        if options["once"]:
            with tqdm(desc="records", unit="rec", disable=None) as progress:
                poller = StreamPoller(on_records=progress.update, **kwargs)
                count = poller.run_once(max_records=options["max_records"])
            self.stdout.write(f"Processed {count} records.")
            return
        stop = threading.Event()
        self.stdout.write("Following the streams; Ctrl-C stops.")
        try:
            StreamPoller(**kwargs).run_forever(stop=stop)
        except KeyboardInterrupt:
            stop.set()
