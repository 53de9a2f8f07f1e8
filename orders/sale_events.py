"""Which sale event a purchase stream record is, and the events' names.

A purchase is sold once (its INSERT) and, at most once, taken back (the change of its
status to cancelled). The orders handler moves the sales counters by the event's sign;
the analytics handler writes the event's rows to the data lake. Both ask `sale_event`, so
they always agree on which records count and what each is called.
"""

from typing import Any, NamedTuple

from orders.models import CANCELLED as CANCELLED_STATUS
from streams.registry import INSERT, MODIFY

PURCHASED = "purchased"
CANCELLED = "cancelled"


class SaleEvent(NamedTuple):
    """A sale event: its name, and +1 for a sale or -1 for a sale taken back."""

    event_type: str
    sign: int


def sale_event(*, event_name: str, new: dict[str, Any] | None, old: dict[str, Any] | None) -> SaleEvent | None:
    """The sale event of a purchase change: purchased on INSERT, cancelled on the change to cancelled, else None.

    A MODIFY that leaves a cancelled purchase cancelled (a redelivery, or a later edit) is
    no event, so a cancellation is counted once.
    """
    if new is None:
        return None
    if event_name == INSERT:
        return SaleEvent(PURCHASED, 1)
    if event_name == MODIFY and new.get("status") == CANCELLED_STATUS and (old or {}).get("status") != CANCELLED_STATUS:
        return SaleEvent(CANCELLED, -1)
    return None
