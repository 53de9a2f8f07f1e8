"""Throttles of the account endpoints, per client address: registration, token refresh and logout.

Registration costs a bcrypt hash, a refresh three reads, a logout a write: each is limited per
address. Login has limits of its own, on failures (`accounts.login_limits`).
"""

from bookstore.ratelimit import AddressThrottle


class RegisterAddressThrottle(AddressThrottle):
    scope = "register-ip"
    setting = "REGISTER_THROTTLE_PER_IP"


class RefreshAddressThrottle(AddressThrottle):
    scope = "refresh-ip"
    setting = "REFRESH_THROTTLE_PER_IP"


class LogoutAddressThrottle(AddressThrottle):
    scope = "logout-ip"
    setting = "LOGOUT_THROTTLE_PER_IP"
