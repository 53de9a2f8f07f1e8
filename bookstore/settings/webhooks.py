"""Webhooks: which URLs may be called, how deliveries are sent, retried and given up on."""

from .env import env, env_bool

# Only https on a stage (production.py fixes it on); plain http is allowed locally and in tests.
WEBHOOKS_REQUIRE_HTTPS = env_bool("WEBHOOKS_REQUIRE_HTTPS", False)
# Loopback receivers, for local use and tests only: production settings refuse to start with it on.
WEBHOOKS_ALLOW_LOOPBACK = env_bool("WEBHOOKS_ALLOW_LOOPBACK", False)
# `resolve(host, port) -> list[str]`: the system's resolver; tests name a table of their own.
WEBHOOKS_RESOLVER = env("WEBHOOKS_RESOLVER", "webhooks.addresses.system_resolve")
