"""`manage.py wire_streams`: subscribe the stage's function to the table streams (run after each deploy)."""

from django.core.management.base import BaseCommand, CommandParser

from streams.wiring import streams_wire


class Command(BaseCommand):
    help = (
        "Create or update, idempotently, one DynamoDB stream event source mapping per streamed table to the "
        "stage's Lambda function, with StartingPosition, ReportBatchItemFailures, retries and a failure queue. "
        "On a deployed stage, `python -m deploy.provision <stage>` runs it with the operator's credentials."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--function", help="The Lambda function to wire (default: STREAMS_FUNCTION_NAME).")
        parser.add_argument("--tables", help="Comma-separated logical table names (default: every streamed table).")

    def handle(self, *args, **options) -> None:
        tables = [t.strip() for t in options["tables"].split(",")] if options["tables"] else None
        for wiring in streams_wire(function_name=options["function"], tables=tables):
            verb = "created" if wiring.created else "updated" if wiring.changed else "unchanged"
            self.stdout.write(f"{wiring.table}: mapping {wiring.uuid} {verb} ({wiring.stream_arn})")
