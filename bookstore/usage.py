"""What one request consumed of the metered services: DynamoDB read and write units, search engine time.

`usage_measured()` opens a tally for the work that runs inside it (the request log opens one
per request); the DynamoDB hooks (bookstore/dynamodb/capacity.py) and the search client
(catalog/search/engine.py) add to the open tally, and nothing is counted when none is open.
The request log writes the totals with the tenant, so a Logs Insights query sums them per
tenant and day (docs/operations/monitoring.md).

The tally lives in a context variable: a request's thread sees its own tally only, and work
outside a request (a stream batch, a command) adds to none.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class Usage:
    """Capacity units as DynamoDB reported them (ConsumedCapacity), and the engine's own `took` times."""

    read_units: float = 0.0
    write_units: float = 0.0
    search_ms: int = 0
    search_calls: int = 0


_current: ContextVar[Usage | None] = ContextVar("bookstore_usage", default=None)


@contextmanager
def usage_measured() -> Iterator[Usage]:
    """A fresh tally for the block; the one open before it (if any) comes back after."""
    usage = Usage()
    token = _current.set(usage)
    try:
        yield usage
    finally:
        _current.reset(token)


def capacity_add(*, read_units: float = 0.0, write_units: float = 0.0) -> None:
    """Add DynamoDB units to the open tally (none open: nothing to do)."""
    usage = _current.get()
    if usage is not None:
        usage.read_units += read_units
        usage.write_units += write_units


def search_time_add(took_ms: int) -> None:
    """Add one search's engine time (the response's `took`, in ms) to the open tally."""
    usage = _current.get()
    if usage is not None:
        usage.search_ms += took_ms
        usage.search_calls += 1
