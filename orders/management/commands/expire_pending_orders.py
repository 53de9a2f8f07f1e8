"""Cancel unpaid orders older than PENDING_ORDER_HOURS and restock them (a scheduled job)."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from bookstore.tenants import active_tenant_ids
from orders.lifecycle import pending_orders_expire


class Command(BaseCommand):
    help = (
        "Cancel every unpaid (pending) order older than PENDING_ORDER_HOURS and put its stock back, through "
        "the same idempotent cancel customers use. Safe to re-run; runs hourly on a deployed stage."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tenant", help="Only this tenant (default: every active tenant).")

    def handle(self, *args, tenant, **options):
        tenants = [tenant] if tenant else active_tenant_ids()
        expired = skipped = 0
        with tqdm(unit="order", disable=None) as bar:
            for tenant_id in tenants:
                result = pending_orders_expire(tenant_id=tenant_id, on_progress=bar.update)
                expired, skipped = expired + result.expired, skipped + result.skipped
        self.stdout.write(f"{expired} expired, {skipped} skipped (paid or changed meanwhile).")
