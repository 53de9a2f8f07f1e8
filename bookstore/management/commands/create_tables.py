"""Create the DynamoDB tables of every app (idempotent)."""

from django.core.management.base import BaseCommand

from bookstore.dynamodb.registry import create_tables, registered_models


class Command(BaseCommand):
    help = "Create every DynamoDB table the apps declare, with GSIs, TTL and streams. Existing tables are kept."

    def handle(self, *args, **options):
        created = create_tables(on_created=lambda name: self.stdout.write(f"created {name}"))
        total = len(list(registered_models()))
        self.stdout.write(self.style.SUCCESS(f"{len(created)} created, {total - len(created)} already existed."))
