"""Put a tenant's admins into the users table's `admin-index` (admins created before the index existed)."""

from django.core.management.base import BaseCommand

from accounts.admins_repair import admins_index
from bookstore.management.tenant_targets import tenant_target_arguments, tenant_targets


class Command(BaseCommand):
    help = (
        "Index the tenant's admins in the users table's admin-index, which the admin notices (a disabled "
        "webhook endpoint) are sent through. Scans the users table; idempotent."
    )

    def add_arguments(self, parser):
        tenant_target_arguments(parser, what="admin index")

    def handle(self, *args, tenant, all, **options):
        for tenant_id in tenant_targets(tenant=tenant, all=all):
            indexed = admins_index(tenant_id=tenant_id)
            self.stdout.write(self.style.SUCCESS(f"Tenant '{tenant_id}': {indexed} admins indexed."))
