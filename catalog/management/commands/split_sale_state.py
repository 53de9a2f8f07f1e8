"""Give each one-item book (its stock on the book item) its own stock item (catalog/sale_state.py)."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from bookstore.tenants import active_tenant_ids, tenant_is_active
from catalog.sale_state import sale_state_split


class Command(BaseCommand):
    help = (
        "Move each book's stock off the book item into its own stock item (the sale-state split), for every "
        "active tenant or one. Run it on tables that hold one-item books (stock on the book item). Idempotent: "
        "books already split are not read again, and a book changed during the run is left for a re-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tenant", help="Only this tenant (default: every active tenant).")

    def handle(self, *args, tenant=None, **options):
        if tenant is not None and not tenant_is_active(tenant_id=tenant):
            raise CommandError(f"No active tenant '{tenant}'.")
        tenant_ids = [tenant] if tenant else active_tenant_ids()
        # disable=None: no bar when the output is not a terminal (CI logs, make run).
        with tqdm(desc="books", unit="book", disable=None) as bar:
            result = sale_state_split(tenant_ids=tenant_ids, on_progress=bar.update)
        summary = f"Split the sale state of {result.split} books of {len(tenant_ids)} tenant(s)."
        if result.changed:
            summary += f" {result.changed} changed during the run: run it again."
        self.stdout.write(self.style.SUCCESS(summary))
