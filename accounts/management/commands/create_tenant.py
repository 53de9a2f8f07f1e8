"""Create a tenant and, optionally, its first admin."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.services import tenant_create_with_admin
from bookstore.errors import ApplicationError
from bookstore.models import TENANT_ID_MAX_LENGTH, TENANT_ID_MIN_LENGTH


class Command(BaseCommand):
    help = (
        "Create a tenant (and optionally its first admin): both are created or, on bad input, neither. "
        "An existing tenant is reported and left unchanged; add users to it with create_user."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "tenant_id",
            help=f"Slug: {TENANT_ID_MIN_LENGTH}-{TENANT_ID_MAX_LENGTH} lowercase letters, digits or hyphens.",
        )
        parser.add_argument("--name", required=True, help="Display name of the shop.")
        parser.add_argument("--admin-email", help="Email of the first admin account.")
        parser.add_argument(
            "--admin-password", help="Password of the first admin account (checked by AUTH_PASSWORD_VALIDATORS)."
        )
        parser.add_argument(
            "--plan", help="Rate-limit plan (a key of the TENANT_PLANS setting: basic, standard, premium)."
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help="The shop's default language, when a caller names none (default: en).",
        )

    def handle(self, *args, tenant_id, name, admin_email, admin_password, plan=None, language=None, **options):
        if bool(admin_email) != bool(admin_password):
            raise CommandError("Give both --admin-email and --admin-password, or neither.")
        try:
            result = tenant_create_with_admin(
                tenant_id=tenant_id,
                name=name,
                admin_email=admin_email,
                admin_password=admin_password,
                plan=plan,
                language=language,
            )
        except ApplicationError as exc:
            details = "; ".join(f"{field}: {' '.join(map(str, msgs))}" for field, msgs in exc.details.items())
            raise CommandError(f"{exc.message} {details}".strip()) from exc
        if not result.created:
            self.stdout.write(self.style.WARNING(f"Tenant '{tenant_id}' already exists; nothing changed."))
            self.stdout.write(
                f"To add an admin to it: python manage.py create_user --tenant {tenant_id} "
                f"--email {admin_email or 'EMAIL'} --role admin"
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Created tenant '{tenant_id}' ({name}), plan {result.tenant.plan}, language {result.tenant.language}."
            )
        )
        if result.admin:
            self.stdout.write(f"Admin: {result.admin.email}")
