"""Fixed-window rate limits counted in DynamoDB, so a limit holds across Lambda containers.

The client address is the one the platform vouches for: `REMOTE_ADDR`, which
`bookstore.request_context.SourceIpMiddleware` sets from API Gateway's request context on a
Zappa stage (Zappa's own choice, an entry of X-Forwarded-For, can be client-written on a
regional endpoint) and `runserver` takes from the socket. DRF's `NUM_PROXIES` (0 by
default) makes a client-supplied `X-Forwarded-For` irrelevant, so varying that header
never yields a fresh counter.

Per-tenant plan limits: a plan allows `rate` requests per second with bursts of `burst`.
One fixed window of `burst / rate` seconds (at least 1) admitting `burst` requests gives
that: the average never exceeds `rate`, a burst never exceeds `burst` within a window (a
fixed window lets two bursts meet at its edge, the usual trade for one counter).

Plan counters are written in chunks (`PlanCounters`): a container counts a subject's hits in
memory and ADDs them to the shared DynamoDB counter once it holds `k` of them, or sooner when
what it knows of the count says the next hit could pass the limit. `k` is PLAN_CHUNK at
most and a tenth of the limit at most (1, exact, for a limit under 20). The trade: a limit
may be passed by at most (k - 1) hits per container per window, hits a container held when
the window ended or when another container's write crossed the limit. What it buys: a
shopper's requests, a few per window, write nothing at all; a client that hammers one
container writes once per `k` requests.

Requests naming a tenant that does not exist have no plan to count against. They are limited
per address in process memory instead (`TokenBuckets`, UNKNOWN_TENANT_THROTTLE_PER_IP): what
they cost is one GetItem of the registry each, and a DynamoDB counter would add a write to
every one of them, more than the read it guards. The limit is per container, which is what
bounds the cost: an address that keeps naming unknown shops is refused before any read.
"""

import hashlib
import math
import threading
from datetime import UTC, datetime
from typing import NamedTuple

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from bookstore.dynamodb.clock import now
from bookstore.errors import ApplicationError, CommonError
from bookstore.memo import BoundedMemo
from bookstore.models import RateLimitCounter

# Longer subjects are hashed, so a counter's key stays far below DynamoDB's 2,048-byte limit.
MAX_SUBJECT_LENGTH = 300
# Per-process memories (counters over their limit, token buckets) keep at most this many keys.
MEMO_SIZE = 4096
# Plan counters: hits a container counts in memory before it writes them (at most a tenth of the limit).
PLAN_CHUNK = 10
PLAN_CHUNK_SHARE = 10


# The address of a request that came with none (a WSGI caller that sets no REMOTE_ADDR): such
# requests share one count rather than escaping every limit.
UNKNOWN_ADDRESS = "unknown"


def client_address(request) -> str:
    """The caller's address as the platform vouches for it (never a header the client controls)."""
    return BaseThrottle().get_ident(request) or UNKNOWN_ADDRESS


def _bounded(subject: str) -> str:
    if len(subject.encode()) <= MAX_SUBJECT_LENGTH:
        return subject
    return "sha256:" + hashlib.sha256(subject.encode()).hexdigest()


class Window(NamedTuple):
    """The fixed window a moment falls in (epoch seconds)."""

    moment: int
    start: int
    end: int

    @property
    def remaining(self) -> int:
        """Seconds until the window ends (at least 1: a Retry-After of 0 invites a tight loop)."""
        return max(1, self.end - self.moment)


def current_window(window_seconds: int) -> Window:
    moment = int(now().timestamp())
    start = moment - moment % window_seconds
    return Window(moment=moment, start=start, end=start + window_seconds)


def counter_key(*, scope: str, subject: str, window: Window | None = None) -> str:
    """The rate_limits key of `subject`'s counter in `scope` (in `window`, for a windowed counter)."""
    key = f"{scope}#{_bounded(subject)}"
    return f"{key}#{window.start}" if window is not None else key


def counter_add(*, key: str, expires_at: int, hits: int = 1) -> int:
    """`ADD hits` to a counter (one atomic UpdateItem, so concurrent hits all count); the new count."""
    counter = RateLimitCounter(key)
    counter.update(
        actions=[
            RateLimitCounter.hits.add(hits),
            RateLimitCounter.expires_at.set(datetime.fromtimestamp(expires_at, tz=UTC)),
        ]
    )
    return counter.hits


def throttled(wait: int) -> ApplicationError:
    """`429 throttled` with Retry-After, as DRF's throttles answer it."""
    return ApplicationError(CommonError.THROTTLED, details={"retry_after": wait}, headers={"Retry-After": str(wait)})


# Counters this process has seen over their limit: counter key → the window's end. Counts only
# grow within a window, so a further hit is refused here without a write (a storm of refused
# requests costs one write per container, not one per request).
over_limit = BoundedMemo(MEMO_SIZE)


def rate_limit_hit(*, scope: str, subject: str, limit: int, window_seconds: int) -> int | None:
    """Count one hit; return the seconds until the window resets if the limit is exceeded, else None.

    One atomic UpdateItem (`ADD hits 1`) per hit, so concurrent hits are all counted; none once
    this process has seen the counter over its limit in the current window.
    """
    window = current_window(window_seconds)
    key = counter_key(scope=scope, subject=subject, window=window)
    if over_limit.get(key) == window.end:
        return window.remaining
    if counter_add(key=key, expires_at=window.end) > limit:
        over_limit.put(key, window.end)
        return window.remaining
    return None


class TokenBuckets:
    """Per-process token buckets, one per key (a client address), for limits that must cost no I/O.

    A bucket holds up to `capacity` tokens and refills at `capacity / window_seconds` per
    second. At most MEMO_SIZE keys are kept, the least recently used out (a forgotten key
    starts full again, which only ever errs towards admitting).
    """

    def __init__(self):
        self._buckets = BoundedMemo(MEMO_SIZE)

    def _level(self, key: str, capacity: int, window_seconds: int) -> tuple[float, float]:
        moment = now().timestamp()
        tokens, since = self._buckets.get(key) or (float(capacity), moment)
        return min(float(capacity), tokens + (moment - since) * capacity / window_seconds), moment

    def wait(self, key: str, *, capacity: int, window_seconds: int) -> int | None:
        """Seconds until `key`'s bucket holds a token again, or None if it holds one now."""
        tokens, _ = self._level(key, capacity, window_seconds)
        if tokens >= 1:
            return None
        return max(1, math.ceil((1 - tokens) * window_seconds / capacity))

    def take(self, key: str, *, capacity: int, window_seconds: int) -> None:
        """Spend one of `key`'s tokens (none left stays at none)."""
        tokens, moment = self._level(key, capacity, window_seconds)
        self._buckets.put(key, (max(0.0, tokens - 1), moment))

    def clear(self) -> None:
        self._buckets.clear()


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


def plan_chunk(limit: int) -> int:
    """How many hits a container holds in memory before writing them: PLAN_CHUNK, at most a tenth of `limit`."""
    return max(1, min(PLAN_CHUNK, limit // PLAN_CHUNK_SHARE))


class PlanCounters:
    """One container's share of the plan counters: hits held in memory, written to DynamoDB in chunks.

    Per counter key it keeps (hits not yet written, hits being written, the shared count its
    last write returned). A hit is held while fewer than `k` are and the known count plus the
    held hits stays within the limit; otherwise the held hits, this one included, are ADDed in
    one UpdateItem and the hit is admitted when the new count is within the limit. A counter seen over its limit
    refuses further hits with no write, as `rate_limit_hit` does. A container holds at most
    k - 1 unwritten hits of a counter, which is all a window can be passed by per container.
    """

    def __init__(self):
        self._held = BoundedMemo(MEMO_SIZE)
        self._over = BoundedMemo(MEMO_SIZE)  # counters seen over their limit: key → the window's end
        self._lock = threading.Lock()

    def hit(self, *, scope: str, subject: str, limit: int, window_seconds: int) -> int | None:
        """Count one hit; the seconds until the window resets when the limit is passed, else None."""
        window = current_window(window_seconds)
        key = counter_key(scope=scope, subject=subject, window=window)
        if self._over.get(key) == window.end:
            return window.remaining
        with self._lock:
            held, writing, known = self._held.get(key) or (0, 0, 0)
            held += 1
            # Hits being written by this container's other requests count as held until their write returns.
            if held + writing < plan_chunk(limit) and known + held + writing <= limit:
                self._held.put(key, (held, writing, known))
                return None
            self._held.put(key, (0, writing + held, known))  # this request writes these hits
        count = counter_add(key=key, expires_at=window.end, hits=held)
        with self._lock:
            still_held, still_writing, seen = self._held.get(key) or (0, held, 0)
            self._held.put(key, (still_held, max(0, still_writing - held), max(seen, count)))
        if count > limit:
            self._over.put(key, window.end)
            return window.remaining
        return None

    def clear(self) -> None:
        self._held.clear()
        self._over.clear()


plan_counters = PlanCounters()


def tenant_rate_limit_hit(*, tenant_id: str, plan: str | None, subject: str) -> int | None:
    """Count a request of `subject` (a user, or a client address) against its tenant's plan.

    Returns the seconds to wait when over the limit, else None. At most one UpdateItem, once
    per `plan_chunk(limit)` hits of the subject in this container (`PlanCounters`); nothing at
    all when the limits are off (TENANT_RATE_LIMITS_ENABLED) or the plan is unknown.
    """
    if not settings.TENANT_RATE_LIMITS_ENABLED or plan not in settings.TENANT_PLANS:
        return None
    limit, window = plan_window(plan)
    return plan_counters.hit(scope=f"plan#{tenant_id}", subject=subject, limit=limit, window_seconds=window)
