"""`manage.py setup_analytics`: the Glue database and tables and the Athena workgroup of this stage."""

from django.conf import settings
from django.core.management.base import BaseCommand

from analytics.catalog import analytics_catalog_setup


class Command(BaseCommand):
    help = (
        "Create or update, idempotently, the Glue database bookstore_{stage}, its tables purchases and "
        "daily_summary (partition projection, no crawler) and the Athena workgroup with its results "
        "location and bytes-scanned limit."
    )

    def handle(self, *args, **options):
        report = analytics_catalog_setup()
        for verb, names in (("created", report.created), ("updated", report.updated), ("unchanged", report.unchanged)):
            for name in names:
                self.stdout.write(f"{verb:9} {name}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Analytics catalogue ready: database {settings.ANALYTICS_GLUE_DATABASE}, "
                f"workgroup {settings.ANALYTICS_ATHENA_WORKGROUP}."
            )
        )
