"""`manage.py build_daily_summary`: compact a day's purchase files and write its daily summary."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from analytics.lake_access import lake_tenants
from analytics.services import daily_summary_build, daily_summary_days
from bookstore.dynamodb.clock import now


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--date must be YYYY-MM-DD, not {text!r}.") from exc


class Command(BaseCommand):
    help = (
        "For one day, compact each tenant's purchase files into one (each purchase line and event once) "
        "and write {tenant}/daily_summary/year=/month=/day=/summary.parquet. Safe to re-run; a re-run "
        "picks up rows that arrived late."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=_day,
            help="The day to build, YYYY-MM-DD (UTC). Default, as the nightly schedule runs it: yesterday, "
            "then the day before again to pick up late rows.",
        )
        parser.add_argument("--tenant", help="Only this tenant. Default: every tenant with data in the lake.")

    def handle(self, *args, **options):
        days = [options["date"]] if options["date"] else daily_summary_days(today=now().date())
        tenants = [options["tenant"]] if options["tenant"] else lake_tenants()
        for day in days:
            for tenant_id in tqdm(tenants, desc=f"daily summary {day}", unit="tenant", disable=len(tenants) < 2):
                built = daily_summary_build(tenant_id=tenant_id, day=day)
                s = built.summary
                self.stdout.write(
                    f"{tenant_id} {day}: {built.files_read} files, {built.rows_read} rows read, "
                    f"{built.rows_kept} kept; {s.orders} orders, revenue {s.revenue}, {s.cancelled_orders} cancelled"
                )
            self.stdout.write(self.style.SUCCESS(f"Daily summary of {day} built for {len(tenants)} tenant(s)."))
