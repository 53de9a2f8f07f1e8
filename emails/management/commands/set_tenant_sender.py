"""Set the address a tenant's emails come from."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bookstore.errors import ApplicationError
from bookstore.tenants import tenant_set_sender


class Command(BaseCommand):
    help = (
        'Set the sender address of a tenant\'s emails (shown as "Shop name" <address>): an address in the '
        "domain of DEFAULT_FROM_EMAIL, the one the stage verifies in SES."
    )

    def add_arguments(self, parser):
        parser.add_argument("tenant_id", help="The tenant's id.")
        parser.add_argument(
            "sender_email", nargs="?", default="", help="The address; omit it to use DEFAULT_FROM_EMAIL."
        )

    def handle(self, *args, tenant_id, sender_email, **options):
        try:
            tenant = tenant_set_sender(tenant_id=tenant_id, sender_email=sender_email or None)
        except ApplicationError as exc:
            raise CommandError(f"{exc.message} {exc.details or ''}".strip()) from exc
        address = sender_email or f"{settings.DEFAULT_FROM_EMAIL} (DEFAULT_FROM_EMAIL)"
        self.stdout.write(self.style.SUCCESS(f"Tenant '{tenant.tenant_id}' sends its emails from {address}."))
