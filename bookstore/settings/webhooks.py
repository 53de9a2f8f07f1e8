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
