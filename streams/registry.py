"""The stream handler registry: apps register a handler per (table, event names); dispatch finds them.

`streams` imports no app. Each app registers its handlers from its own `stream_handlers`
module, imported in its `AppConfig.ready()`:

    @stream_handler("purchases", events={INSERT, MODIFY})
    def export_purchases(records: list[StreamRecord]) -> list[RecordFailure]: ...

A handler receives whole batches (the records of one table, in shard order, filtered to its
event names). It returns the records that failed, with a reason, or raises to fail the
whole batch. A failure caused by a backing service that cannot answer now (the search
engine down) is `transient`: the local poller retries it for as long as the outage lasts
instead of parking it. Delivery is at least once: a handler must give the same end state
whether a record arrives once, twice in a batch, or again in a later batch.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

INSERT = "INSERT"
MODIFY = "MODIFY"
REMOVE = "REMOVE"
EVENT_NAMES = frozenset({INSERT, MODIFY, REMOVE})


@dataclass(frozen=True)
class StreamRecord:
    """One DynamoDB stream record, images deserialised (numbers as Decimal)."""

    table: str  # logical name, e.g. "books"
    event_id: str
    event_name: str
    sequence_number: str
    keys: dict[str, Any]
    new_image: dict[str, Any] | None
    old_image: dict[str, Any] | None
    event_source_arn: str
    approximate_creation: float | None = None  # epoch seconds, as Lambda delivers it

    @property
    def tenant_id(self) -> str:
        """Every key starts with the tenant: `{tenant}#...`."""
        return str(next(iter(self.keys.values()), "")).split("#", 1)[0]

    @property
    def image(self) -> dict[str, Any]:
        """The item after the change, or before it for a REMOVE."""
        return self.new_image if self.new_image is not None else (self.old_image or {})


@dataclass(frozen=True)
class RecordFailure:
    """A record a handler could not process, and why.

    `transient`: the record is fine but a service it needs is unavailable (down, unreachable,
    overloaded). The poller never parks such a record, however long the outage lasts: it
    keeps retrying it (with a capped backoff), so nothing is set aside that a replay would
    have to bring back.
    """

    record: StreamRecord
    reason: str
    transient: bool = False


Handler = Callable[[list[StreamRecord]], Iterable[RecordFailure] | None]


@dataclass(frozen=True)
class Registration:
    table: str
    events: frozenset[str]
    handler: Handler
    name: str = field(default="")


_registrations: list[Registration] = []


def stream_handler(table: str, *, events: Iterable[str]) -> Callable[[Handler], Handler]:
    """Decorator: call the function with the batches of `table`'s records whose eventName is in `events`."""
    wanted = frozenset(events)
    if not wanted or not wanted <= EVENT_NAMES:
        raise ValueError(f"events must be a non-empty subset of {sorted(EVENT_NAMES)}, not {sorted(wanted)}")

    def register(handler: Handler) -> Handler:
        name = f"{handler.__module__}.{handler.__qualname__}"
        if not any(r.name == name for r in _registrations):  # importing a module twice registers once
            _registrations.append(Registration(table=table, events=wanted, handler=handler, name=name))
        return handler

    return register


def handlers_for(table: str) -> list[Registration]:
    """The registrations of one table, in registration order."""
    return [r for r in _registrations if r.table == table]


def streamed_tables() -> list[str]:
    """The logical names of the tables that have at least one handler."""
    return sorted({r.table for r in _registrations})
