"""Fixed-window rate limits counted in DynamoDB, so a limit holds across Lambda containers."""

from datetime import UTC, datetime

from bookstore.dynamodb.clock import now as clock_now
from bookstore.models import RateLimitCounter


def rate_limit_hit(*, scope: str, subject: str, limit: int, window_seconds: int) -> int | None:
    """Count one hit; return the seconds until the window resets if the limit is exceeded, else None.

    One atomic UpdateItem (`ADD hits 1`) per hit, so concurrent hits are all counted.
    """
    now = int(clock_now().timestamp())
    window_start = now - now % window_seconds
    window_end = window_start + window_seconds
    counter = RateLimitCounter(f"{scope}#{subject}#{window_start}")
    counter.update(
        actions=[
            RateLimitCounter.hits.add(1),
            RateLimitCounter.expires_at.set(datetime.fromtimestamp(window_end, tz=UTC)),
        ]
    )
    if counter.hits > limit:
        return max(1, window_end - now)
    return None
