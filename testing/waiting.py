"""Waiting on a condition instead of sleeping: `wait_until(condition, what=...)`.

A test that needs something to have happened (a server answering, a poller catching up, a
request reaching a frozen process) polls for it, with a deadline generous enough for a busy
machine, and fails naming what never happened. A sleep of a guessed length is either too
short on a loaded machine or wasted time on an idle one.
"""

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
DEADLINE_SECONDS = 120.0
INTERVAL_SECONDS = 0.05


def wait_until(
    condition: Callable[[], T], *, what: str, timeout: float = DEADLINE_SECONDS, interval: float = INTERVAL_SECONDS
) -> T:
    """Call `condition()` until it returns something truthy and return that; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        if value := condition():
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f}s: {what}")
        time.sleep(interval)
