"""Webhooks: which URLs may be called, how deliveries are sent, retried and given up on."""

from .env import env, env_bool, env_int

# --- The admin API (webhooks/services.py) ---
# Endpoints a tenant may register: each event is sent to every subscribed endpoint.
WEBHOOK_MAX_ENDPOINTS = env_int("WEBHOOK_MAX_ENDPOINTS", 20)
# After a rotation the previous secret also signs for this long, while receivers switch over.
WEBHOOK_SECRET_ROTATION_HOURS = env_int("WEBHOOK_SECRET_ROTATION_HOURS", 24)

# --- Which addresses may be called (webhooks/addresses.py) ---
# Only https on a stage (production.py fixes it on); plain http is allowed locally and in tests.
WEBHOOKS_REQUIRE_HTTPS = env_bool("WEBHOOKS_REQUIRE_HTTPS", False)
# Loopback receivers, for local use and tests only: production settings refuse to start with it on.
WEBHOOKS_ALLOW_LOOPBACK = env_bool("WEBHOOKS_ALLOW_LOOPBACK", False)
# `resolve(host, port) -> list[str]`: the system's resolver; tests name a table of their own.
WEBHOOKS_RESOLVER = env("WEBHOOKS_RESOLVER", "webhooks.addresses.system_resolve")

# --- Delivery: how a delivery is sent, retried and given up on (webhooks/deliveries.py, sending.py) ---
# Seconds a receiver has to connect and answer; a slower one is a failed attempt.
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 5)
# Retries wait up to base * 2^(failures - 1) seconds (full jitter), at most WEBHOOK_BACKOFF_MAX_SECONDS.
WEBHOOK_BACKOFF_BASE_SECONDS = env_int("WEBHOOK_BACKOFF_BASE_SECONDS", 30)
WEBHOOK_BACKOFF_MAX_SECONDS = env_int("WEBHOOK_BACKOFF_MAX_SECONDS", 3600)
# A delivery not answered 2xx this many hours after its event is given up on (failed).
WEBHOOK_RETRY_HOURS = env_int("WEBHOOK_RETRY_HOURS", 24)
# An endpoint whose deliveries failed this many times in a row (no success between) is disabled.
WEBHOOK_DISABLE_AFTER = env_int("WEBHOOK_DISABLE_AFTER", 5)
# Days a delivery and its attempts stay in the log (a DynamoDB TTL).
WEBHOOK_DELIVERY_TTL_DAYS = env_int("WEBHOOK_DELIVERY_TTL_DAYS", 30)
