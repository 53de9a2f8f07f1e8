"""`manage.py outbound_worker`: the local stand-in for Lambda's mapping of the outbound queue."""

import threading

from django.core.management.base import BaseCommand, CommandParser

from outbound.worker import queue_drain, worker_run_forever


class Command(BaseCommand):
    help = (
        "Read the outbound queue (webhook deliveries, emails) and call the message handlers. Runs until "
        "interrupted, or handles what the queue holds now with --once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Handle every message visible now, then exit.")

    def handle(self, *args, **options) -> None:
        if options["once"]:
            outcome = queue_drain()
            self.stdout.write(
                f"Handled {outcome.handled} messages; {len(outcome.failed)} failed; "
                f"{len(outcome.deferred)} wait for a later time."
            )
            return
        stop = threading.Event()
        self.stdout.write("Following the outbound queue; Ctrl-C stops.")
        try:
            worker_run_forever(stop=stop)
        except KeyboardInterrupt:
            stop.set()
