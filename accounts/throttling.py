"""Login throttles: per (tenant, email) against guessing one password, per IP against sprays."""

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from accounts.emails import normalize_email
from bookstore.ratelimit import rate_limit_hit
from bookstore.tenants import normalize_tenant_id


class _LoginThrottle(BaseThrottle):
    scope: str
    setting: str

    def subject(self, request) -> str | None:
        raise NotImplementedError

    def allow_request(self, request, view) -> bool:
        subject = self.subject(request)
        if not subject:
            return True
        limit, window = getattr(settings, self.setting)
        self.retry_after = rate_limit_hit(scope=self.scope, subject=subject, limit=limit, window_seconds=window)
        return self.retry_after is None

    def wait(self) -> int | None:
        return self.retry_after


class LoginAccountThrottle(_LoginThrottle):
    """Attempts per (tenant, email), whatever the source address."""

    scope = "login-account"
    setting = "LOGIN_THROTTLE_PER_ACCOUNT"

    def subject(self, request):
        data = request.data if hasattr(request.data, "get") else {}
        email, tenant_id = data.get("email"), data.get("tenant_id")
        if not isinstance(email, str) or not isinstance(tenant_id, str):
            return None
        return f"{normalize_tenant_id(tenant_id)[:64]}#{normalize_email(email)[:254]}"


class LoginIPThrottle(_LoginThrottle):
    """Attempts per client address, whatever the account."""

    scope = "login-ip"
    setting = "LOGIN_THROTTLE_PER_IP"

    def subject(self, request):
        return self.get_ident(request)
