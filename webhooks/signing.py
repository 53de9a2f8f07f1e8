"""The `Bookstore-Signature` header: an HMAC-SHA256 of the send time and the body, per secret that signs.

`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, as Stripe signs: the time
is inside what is signed, so a receiver refuses a replayed request by its age, and the
body is signed byte for byte. During a secret rotation the endpoint has two secrets, and
the header carries one `v1=` per secret (the current one first), so a receiver holding
either secret accepts the delivery. docs/api/webhook-deliveries.md shows how to check it.
"""

import hashlib
import hmac
from datetime import datetime

SIGNATURE_SCHEME = "v1"


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of `<timestamp>.<body>` under `secret`."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signing_secrets(
    *, secret: str, previous_secret: str | None, previous_until: datetime | None, at: datetime
) -> list[str]:
    """The secrets that sign at `at`: the current one, and the previous one until its rotation window ends."""
    if previous_secret and previous_until is not None and at < previous_until:
        return [secret, previous_secret]
    return [secret]


def signature_header(*, secrets: list[str], timestamp: int, body: bytes) -> str:
    """The `Bookstore-Signature` value: `t=...` then one `v1=...` per secret."""
    parts = [f"t={timestamp}"]
    parts += [f"{SIGNATURE_SCHEME}={signature(secret=s, timestamp=timestamp, body=body)}" for s in secrets]
    return ",".join(parts)
