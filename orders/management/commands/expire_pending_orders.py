"""Cancel unpaid orders older than PENDING_ORDER_HOURS and restock them (a scheduled job)."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from bookstore.dynamodb.clock import now
from bookstore.jobs import TimeBudget, run_resumable
from bookstore.tenants import active_tenant_ids
from orders.lifecycle import pending_orders_expire

JOB = "expire_pending_orders"
ORDER_SECONDS = 1.0  # what one cancel may take (a read and a transaction): never start one with less left


class Command(BaseCommand):
    help = (
        "Cancel every unpaid (pending) order older than PENDING_ORDER_HOURS and put its stock back, through "
        "the same idempotent cancel customers use. Safe to re-run; runs hourly on a deployed stage."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tenant", help="Only this tenant (default: every active tenant).")
        parser.add_argument(
            "--time-budget",
            type=float,
            help="Seconds this run may take (the schedule passes its invocation's remaining time). It stops "
            "in time, records which tenant it reached, and the next run with a budget carries on from there "
            "before it starts a new pass. Default: no limit, no checkpoint.",
        )

    def handle(self, *args, tenant, time_budget=None, **options):
        tenants = [tenant] if tenant else active_tenant_ids()
        totals = {"expired": 0, "skipped": 0}
        budget = TimeBudget.seconds(time_budget) if time_budget is not None else TimeBudget.unbounded()

        with tqdm(unit="order", disable=None) as bar:

            def expire(tenant_id: str) -> bool:
                result = pending_orders_expire(
                    tenant_id=tenant_id, on_progress=bar.update, should_stop=lambda: budget.left() < ORDER_SECONDS
                )
                totals["expired"] += result.expired
                totals["skipped"] += result.skipped
                return result.complete

            if time_budget is None:
                for tenant_id in tenants:
                    expire(tenant_id)
            else:
                run = run_resumable(
                    job=JOB,
                    run_key=now().strftime("%Y-%m-%dT%H"),
                    units=tenants,
                    work=expire,
                    budget=budget,
                    continue_unfinished=True,
                )
                if not run.finished:
                    self.stdout.write(f"Stopped for time: {run.remaining} tenant(s) left for the next run.")
        self.stdout.write(f"{totals['expired']} expired, {totals['skipped']} skipped (paid or changed meanwhile).")
