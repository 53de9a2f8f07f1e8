"""Limits: per-tenant rate limits, login and registration throttles, request size, and the cart and order rules."""

from decimal import Decimal

from .env import env, env_bool, env_int

# Per-tenant rate limits: each plan allows `rate` requests per second with bursts up to `burst`,
# per (tenant, user) or, anonymously, per (tenant, client address). See bookstore/ratelimit.py.
TENANT_RATE_LIMITS_ENABLED = env_bool("TENANT_RATE_LIMITS_ENABLED", True)
TENANT_PLANS = {
    "basic": {"rate": env_int("PLAN_BASIC_RATE", 50), "burst": env_int("PLAN_BASIC_BURST", 100)},
    "standard": {"rate": env_int("PLAN_STANDARD_RATE", 100), "burst": env_int("PLAN_STANDARD_BURST", 200)},
    "premium": {"rate": env_int("PLAN_PREMIUM_RATE", 300), "burst": env_int("PLAN_PREMIUM_BURST", 300)},
}
DEFAULT_TENANT_PLAN = "standard"

# Login limits: (failed logins, window seconds), counted in DynamoDB so they hold across
# containers; failures only, so a stranger cannot spend the owner's logins (accounts/login_limits.py).
LOGIN_THROTTLE_PER_PAIR = (env_int("LOGIN_THROTTLE_PAIR_FAILURES", 10), env_int("LOGIN_THROTTLE_WINDOW", 300))
LOGIN_THROTTLE_PER_IP = (env_int("LOGIN_THROTTLE_IP_FAILURES", 100), env_int("LOGIN_THROTTLE_WINDOW", 300))
# Past this many failures on one account, addresses it has not logged in from get a growing delay.
LOGIN_THROTTLE_PER_ACCOUNT = (
    env_int("LOGIN_THROTTLE_ACCOUNT_FAILURES", 100),
    env_int("LOGIN_THROTTLE_ACCOUNT_WINDOW", 86400),
)
LOGIN_THROTTLE_MAX_DELAY = env_int("LOGIN_THROTTLE_MAX_DELAY", 900)
LOGIN_KNOWN_ADDRESS_DAYS = env_int("LOGIN_KNOWN_ADDRESS_DAYS", 30)
# Registrations, token refreshes and logouts per client address: (requests, window seconds).
REGISTER_THROTTLE_PER_IP = (env_int("REGISTER_THROTTLE_IP_ATTEMPTS", 20), env_int("REGISTER_THROTTLE_WINDOW", 3600))
REFRESH_THROTTLE_PER_IP = (env_int("REFRESH_THROTTLE_IP_ATTEMPTS", 120), env_int("REFRESH_THROTTLE_WINDOW", 300))
LOGOUT_THROTTLE_PER_IP = (env_int("LOGOUT_THROTTLE_IP_ATTEMPTS", 60), env_int("LOGOUT_THROTTLE_WINDOW", 300))
# Review writes (reviews, changes, votes) per user and window, whatever the plan allows.
REVIEW_THROTTLE_PER_USER = (env_int("REVIEW_THROTTLE_USER_WRITES", 30), env_int("REVIEW_THROTTLE_WINDOW", 3600))
# `tenant_not_found` answers per client address, per process: (answers, window seconds).
UNKNOWN_TENANT_THROTTLE_PER_IP = (
    env_int("UNKNOWN_TENANT_THROTTLE_IP_ATTEMPTS", 60),
    env_int("UNKNOWN_TENANT_THROTTLE_WINDOW", 60),
)

# The largest request body accepted (bytes); anything bigger is 413 before it is parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 64 * 1024)

# A cart holds at most this many distinct books, so that checkout (three actions per line at
# most: stock, cart line, category tally; plus purchase, idempotency record, total tally and
# the cart's header: 3 * 32 + 4 = 100) fits in one TransactWriteItems of at most 100 actions.
# Enforced by a condition on the cart's header (orders/cart_header.py).
CART_MAX_LINES = min(env_int("CART_MAX_LINES", 32), 32)
# The largest order total a cart may reach; a line that would pass it is refused with 400. The
# cart's header holds its lines priced as they were set, under this cap by a condition; checkout
# checks the total at current prices again.
MAX_ORDER_TOTAL = Decimal(env("MAX_ORDER_TOTAL", "999999999.99"))
# Unpaid (transfer, cash on delivery) orders: how many one user may hold, and when they expire.
MAX_PENDING_ORDERS_PER_USER = env_int("MAX_PENDING_ORDERS_PER_USER", 3)
PENDING_ORDER_HOURS = env_int("PENDING_ORDER_HOURS", 48)
# How long after checkout a customer may still cancel a paid order (a refund is then due).
CANCEL_WINDOW_MINUTES = env_int("CANCEL_WINDOW_MINUTES", 30)
# How long a checkout's Idempotency-Key is remembered.
IDEMPOTENCY_TTL_HOURS = env_int("IDEMPOTENCY_TTL_HOURS", 24)
