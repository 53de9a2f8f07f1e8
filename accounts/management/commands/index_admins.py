"""Put a tenant's admins into the users table's `admin-index` (admins created before the index existed)."""

from django.core.management.base import BaseCommand

from accounts.models import User
from bookstore.authentication import ROLE_ADMIN
from bookstore.management.tenant_targets import tenant_target_arguments, tenant_targets


def admins_index(*, tenant_id: str) -> int:
    """Put the tenant's admins written without `admin_key` into `admin-index`; returns how many.

    A repair for admins created before the index existed: it Scans the users table (filtered
    to the tenant's admins that lack the key), so it lives here, in the command, never on a request path. Each
    write is conditioned on the user still being an admin; running it again changes nothing.
    """
    found = User.scan(User.pk.startswith(f"{tenant_id}#") & (User.role == ROLE_ADMIN) & User.admin_key.does_not_exist())
    indexed = 0
    for user in found:
        user.update(
            actions=[User.admin_key.set(User.admin_key_for(tenant_id))],
            condition=User.pk.exists() & (User.role == ROLE_ADMIN),
        )
        indexed += 1
    return indexed


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
