"""The outbound message registry: apps register a handler per message kind; the worker finds it.

`outbound` imports no app. Each app registers its handlers from its own module, imported in
its `AppConfig.ready()`:

    @message_handler("webhook_delivery")
    def send_delivery(message: OutboundMessage) -> None: ...

A handler does one piece of work named by the message (one delivery, one email). It raises
when it cannot do it now (DynamoDB unavailable): the queue then delivers the message again
after its visibility timeout, up to OUTBOUND_MAX_RECEIVES times, then sets it aside in the
failure queue. Messages arrive at least once, and a message may arrive again after its
work was done: a handler claims its work with a conditional write before doing it. A handler
that wants to try again later (a webhook's backoff) enqueues a new message with `not_before`
and returns.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class OutboundMessage:
    """One unit of outbound work: its kind, its tenant, what it names, and when it may run."""

    kind: str
    tenant_id: str
    body: dict[str, Any]
    not_before: datetime | None = None


Handler = Callable[[OutboundMessage], None]

_handlers: dict[str, Handler] = {}


def message_handler(kind: str) -> Callable[[Handler], Handler]:
    """Decorator: call the function with each message of `kind`."""

    def register(handler: Handler) -> Handler:
        registered = _handlers.setdefault(kind, handler)
        if registered.__qualname__ != handler.__qualname__ or registered.__module__ != handler.__module__:
            raise ValueError(f"Message kind {kind!r} already has a handler: {registered.__module__}")
        return handler

    return register


def handler_for(kind: str) -> Handler | None:
    return _handlers.get(kind)


def message_kinds() -> list[str]:
    return sorted(_handlers)
