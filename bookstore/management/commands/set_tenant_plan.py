"""Move a tenant to another rate-limit plan."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bookstore.errors import ApplicationError
from bookstore.tenants import tenant_set_plan


class Command(BaseCommand):
    help = (
        "Set a tenant's rate-limit plan. Every container applies it within TENANT_CACHE_SECONDS "
        "(the tenant cache's lifetime)."
    )

    def add_arguments(self, parser):
        parser.add_argument("tenant_id", help="The tenant's id.")
        parser.add_argument("plan", help=f"The plan: one of {', '.join(sorted(settings.TENANT_PLANS))}.")

    def handle(self, *args, tenant_id, plan, **options):
        try:
            tenant = tenant_set_plan(tenant_id=tenant_id, plan=plan)
        except ApplicationError as exc:
            raise CommandError(f"{exc.message} {exc.details or ''}".strip()) from exc
        rate, burst = settings.TENANT_PLANS[plan]["rate"], settings.TENANT_PLANS[plan]["burst"]
        self.stdout.write(
            self.style.SUCCESS(f"Tenant '{tenant.tenant_id}' is on plan {plan}: {rate} req/s, bursts of {burst}.")
        )
