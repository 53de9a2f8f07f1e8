"""Create or repair the DynamoDB tables of every app (idempotent)."""

from django.core.management.base import BaseCommand

from bookstore.dynamodb.provisioning import tables_provision
from bookstore.dynamodb.registry import registered_models


class Command(BaseCommand):
    help = (
        "Create every DynamoDB table the apps declare, with GSIs, TTL and streams, and repair existing tables "
        "whose indexes, stream or TTL differ from the models. A deployed stage uses `python -m deploy.provision`."
    )

    def handle(self, *args, **options):
        report = tables_provision(on_change=self.stdout.write)
        total = len(list(registered_models()))
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(report.created)} created, {total - len(report.created)} already existed, "
                f"{len(report.repaired)} repaired."
            )
        )
