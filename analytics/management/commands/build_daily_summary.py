"""`manage.py build_daily_summary`: compact a day's purchase files and write its daily summary."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from analytics.lake_access import lake_tenants
from analytics.services import daily_summary_build, daily_summary_days
from bookstore.dynamodb.clock import now
from bookstore.jobs import TimeBudget, run_resumable

JOB = "build_daily_summary"


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
        parser.add_argument(
            "--time-budget",
            type=float,
            help="Seconds this run may take (the schedule passes its invocation's remaining time). It stops "
            "between tenants, records where, and the next run with a budget on the same date resumes there; "
            "once the date's run is finished, later runs do nothing. Default: no limit, no checkpoint.",
        )

    def handle(self, *args, **options):
        today = now().date()
        days = [options["date"]] if options["date"] else daily_summary_days(today=today)
        tenants = [options["tenant"]] if options["tenant"] else lake_tenants()

        def build(unit: str) -> None:
            day, tenant_id = unit.split("#", 1)
            built = daily_summary_build(tenant_id=tenant_id, day=date.fromisoformat(day))
            s = built.summary
            self.stdout.write(
                f"{tenant_id} {day}: {built.files_read} files, {built.rows_read} rows read, "
                f"{built.rows_kept} kept; {s.orders} orders, revenue {s.revenue}, {s.cancelled_orders} cancelled"
            )

        units = [f"{day.isoformat()}#{tenant_id}" for day in days for tenant_id in tenants]
        if options["time_budget"] is not None:
            run = run_resumable(
                job=JOB,
                run_key=f"{today.isoformat()}:{','.join(d.isoformat() for d in days)}",
                units=units,
                work=build,
                budget=TimeBudget.seconds(options["time_budget"]),
            )
            state = "finished" if run.finished else f"{run.remaining} left for the next run"
            self.stdout.write(self.style.SUCCESS(f"Daily summary: {run.done} tenant-days built now, {state}."))
            return
        for unit in tqdm(units, desc="daily summary", unit="tenant-day", disable=len(units) < 2):
            build(unit)
        self.stdout.write(
            self.style.SUCCESS(f"Daily summary of {', '.join(map(str, days))} built for {len(tenants)} tenant(s).")
        )
