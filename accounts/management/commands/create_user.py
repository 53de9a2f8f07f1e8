"""Add a user, admin or customer, to an existing tenant."""

from getpass import getpass

from django.core.management.base import BaseCommand, CommandError

from accounts.services import user_add
from bookstore.authentication import ROLE_CUSTOMER, ROLES
from bookstore.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Add a user (a customer, or an admin with --role admin) to an existing tenant. "
        "Idempotent: an email already registered in the tenant is reported and left unchanged."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="Id of an existing, active tenant.")
        parser.add_argument("--email", required=True, help="The user's email (unique per tenant, case-insensitive).")
        parser.add_argument(
            "--role", choices=ROLES, default=ROLE_CUSTOMER, help=f"customer or admin (default {ROLE_CUSTOMER})."
        )
        parser.add_argument("--password", help="The password; prompted for (twice) when omitted.")
        parser.add_argument("--first-name", default="", help="Optional first name.")
        parser.add_argument("--last-name", default="", help="Optional last name.")

    def handle(self, *args, tenant, email, role, password, first_name, last_name, **options):
        if password is None:
            password = self._prompt_password()
        try:
            result = user_add(
                tenant_id=tenant, email=email, password=password, role=role, first_name=first_name, last_name=last_name
            )
        except ApplicationError as exc:
            details = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.details.items())
            raise CommandError(f"{exc.message} {details}".strip()) from exc
        user = result.user
        if not result.created:
            self.stdout.write(
                self.style.WARNING(f"'{user.email}' already exists in '{tenant}' (role {user.role}); nothing changed.")
            )
            return
        self.stdout.write(self.style.SUCCESS(f"Added {user.role} '{user.email}' to '{tenant}'."))

    @staticmethod
    def _prompt_password() -> str:
        password = getpass("Password: ")
        if password != getpass("Password (again): "):
            raise CommandError("The passwords differ; nothing changed.")
        return password
