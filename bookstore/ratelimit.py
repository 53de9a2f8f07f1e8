"""Fixed-window rate limits counted in DynamoDB, so a limit holds across Lambda containers.

The client address is the one the platform vouches for: `REMOTE_ADDR`, which
`bookstore.request_context.SourceIpMiddleware` sets from API Gateway's request context on a
Zappa stage (Zappa's own choice, an entry of X-Forwarded-For, can be client-written on a
regional endpoint) and `runserver` takes from the socket. DRF's `NUM_PROXIES` (0 by
default) makes a client-supplied `X-Forwarded-For` irrelevant, so varying that header
never yields a fresh counter.

Per-tenant plan limits: a plan allows `rate` requests per second with bursts of `burst`.
One fixed window of `burst / rate` seconds (at least 1) admitting `burst` requests gives
exactly that: the average never exceeds `rate`, a burst never exceeds `burst` within a
window (a fixed window lets two bursts meet at its edge, the usual trade for one counter).
"""

import hashlib
from datetime import UTC, datetime

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from bookstore.dynamodb.clock import now
from bookstore.models import RateLimitCounter

# Longer subjects are hashed, so a counter's key stays far below DynamoDB's 2,048-byte limit.
MAX_SUBJECT_LENGTH = 300


def client_address(request) -> str:
    """The caller's address as the platform vouches for it (never a header the client controls)."""
    return BaseThrottle().get_ident(request)


def _bounded(subject: str) -> str:
    if len(subject.encode()) <= MAX_SUBJECT_LENGTH:
        return subject
    return "sha256:" + hashlib.sha256(subject.encode()).hexdigest()


def rate_limit_hit(*, scope: str, subject: str, limit: int, window_seconds: int) -> int | None:
    """Count one hit; return the seconds until the window resets if the limit is exceeded, else None.

    One atomic UpdateItem (`ADD hits 1`) per hit, so concurrent hits are all counted.
    """
    moment = int(now().timestamp())
    window_start = moment - moment % window_seconds
    window_end = window_start + window_seconds
    counter = RateLimitCounter(f"{scope}#{_bounded(subject)}#{window_start}")
    counter.update(
        actions=[
            RateLimitCounter.hits.add(1),
            RateLimitCounter.expires_at.set(datetime.fromtimestamp(window_end, tz=UTC)),
        ]
    )
    if counter.hits > limit:
        return max(1, window_end - moment)
    return None


class CountedThrottle(BaseThrottle):
    """A DRF throttle counted in DynamoDB: `scope` names the counter, `setting` holds (limit, window seconds)."""

    scope: str
    setting: str

    def subject(self, request) -> str | None:
        """What is counted (an address, an account); None skips the count."""
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


class AddressThrottle(CountedThrottle):
    """Requests per client address, whatever the account."""

    def subject(self, request) -> str | None:
        return client_address(request)


def plan_window(plan: str) -> tuple[int, int]:
    """(requests, window seconds) of a plan: `burst` requests per `burst / rate` seconds."""
    limits = settings.TENANT_PLANS[plan]
    return limits["burst"], max(1, round(limits["burst"] / limits["rate"]))


def tenant_rate_limit_hit(*, tenant_id: str, plan: str | None, subject: str) -> int | None:
    """Count a request of `subject` (a user, or a client address) against its tenant's plan.

    Returns the seconds to wait when over the limit, else None. One UpdateItem; nothing at all
    when the limits are off (TENANT_RATE_LIMITS_ENABLED) or the plan is unknown.
    """
    if not settings.TENANT_RATE_LIMITS_ENABLED or plan not in settings.TENANT_PLANS:
        return None
    limit, window = plan_window(plan)
    return rate_limit_hit(scope=f"plan#{tenant_id}", subject=subject, limit=limit, window_seconds=window)
