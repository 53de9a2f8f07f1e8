"""The one clock of the application: every timestamp written to a table comes from `now()`.

Tests move it with the `clock` fixture (`clock.set(...)`, `clock.advance(...)`); nothing else
sets it, and left alone it is the system's UTC time.
"""

from datetime import UTC, datetime, timedelta

_fixed: datetime | None = None


def now() -> datetime:
    """The current time in UTC (or the time a test set)."""
    return _fixed if _fixed is not None else datetime.now(UTC)


def set_now(moment: datetime | None) -> None:
    """Pin the clock to `moment` (timezone-aware), or release it with None."""
    global _fixed
    if moment is not None and moment.tzinfo is None:
        raise ValueError("The clock holds timezone-aware datetimes only.")
    _fixed = moment


def advance(delta: timedelta) -> datetime:
    """Move a pinned clock forward (pinning it at the current time first)."""
    set_now(now() + delta)
    return now()
