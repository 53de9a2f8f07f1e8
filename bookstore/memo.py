"""A small per-process memo: the tenant cache and the rate limiter's memories share it."""

import time
from collections import OrderedDict
from collections.abc import Hashable
from threading import Lock
from typing import Any


class BoundedMemo:
    """A thread-safe map with at most `size` entries, the least recently used out.

    An entry put with `ttl` (seconds) is forgotten once that time has passed (monotonic clock).
    """

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict[Hashable, tuple[float | None, Any]] = OrderedDict()
        self._lock = Lock()

    def get(self, key: Hashable) -> Any:
        """The value kept for `key`, or None when there is none or it has expired."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or (entry[0] is not None and entry[0] <= time.monotonic()):
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: Hashable, value: Any, ttl: float | None = None) -> None:
        with self._lock:
            self._entries[key] = (None if ttl is None else time.monotonic() + ttl, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
