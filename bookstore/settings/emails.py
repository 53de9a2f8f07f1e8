"""Emails: which backend sends them, the sender address, and how long the send records are kept.

Production sends through Amazon SES with django-ses (emails/backends.py: `SESEmailBackend`,
the SESv2 `SendEmail` action, the function's role from the default credential chain);
locally and in tests `OutboxEmailBackend` writes each message under LOCAL_STATE_DIR/outbox.
"""

from .env import env, env_int

# Dotted path of the email backend: the local outbox unless a stage names SES (production.py).
EMAIL_BACKEND = env("EMAIL_BACKEND", "emails.backends.OutboxEmailBackend")
# The sender address when a tenant names none (`Tenant.sender_email`); on a stage an identity verified in SES.
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "shop@bookstore.example")
# A send record (one per order and event, one per admin notice) is forgotten after this many
# days: longer than the outbound queue keeps a message (14 days), so a late redelivery finds it.
EMAIL_RECORD_TTL_DAYS = env_int("EMAIL_RECORD_TTL_DAYS", 30)
# A claim on a send older than this is taken to be a worker that died while sending, and is
# taken over: longer than the function's timeout, shorter than the queue's visibility timeout.
EMAIL_SEND_CLAIM_SECONDS = env_int("EMAIL_SEND_CLAIM_SECONDS", 120)

# --- django-ses (read only when EMAIL_BACKEND is SESEmailBackend) ----------------------------
# The SESv2 API: one `SendEmail` call with the raw MIME message.
USE_SES_V2 = True
# No GetAccount call before each send: SES refusing a send for its rate fails the message, which the queue retries.
AWS_SES_AUTO_THROTTLE = None
# An SES configuration set (bounce and complaint events) every message names; none by default.
AWS_SES_CONFIGURATION_SET = env("AWS_SES_CONFIGURATION_SET") or None
