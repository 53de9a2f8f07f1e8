"""Throttles of the account endpoints.

Login is limited per (tenant, email) against guessing one password and per address against
sprays; registration (a bcrypt hash each) and token refresh are limited per address.
"""

from accounts.emails import normalize_email
from bookstore.ratelimit import AddressThrottle, CountedThrottle
from bookstore.tenants import normalize_tenant_id


class LoginAccountThrottle(CountedThrottle):
    """Attempts per (tenant, email), whatever the source address; keyed as login itself compares them."""

    scope = "login-account"
    setting = "LOGIN_THROTTLE_PER_ACCOUNT"

    def subject(self, request):
        data = request.data if hasattr(request.data, "get") else {}
        email, tenant_id = data.get("email"), data.get("tenant_id")
        if not isinstance(email, str) or not isinstance(tenant_id, str):
            return None
        return f"{normalize_tenant_id(tenant_id)}#{normalize_email(email)}"


class LoginAddressThrottle(AddressThrottle):
    scope = "login-ip"
    setting = "LOGIN_THROTTLE_PER_IP"


class RegisterAddressThrottle(AddressThrottle):
    scope = "register-ip"
    setting = "REGISTER_THROTTLE_PER_IP"


class RefreshAddressThrottle(AddressThrottle):
    scope = "refresh-ip"
    setting = "REFRESH_THROTTLE_PER_IP"
