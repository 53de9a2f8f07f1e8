"""Which sale event (and which payment event) a purchase stream record is, and the events' names.

A purchase is sold once (its INSERT) and, at most once, taken back (the change of its
status to cancelled). The orders handler moves the sales counters by the event's sign;
the analytics handler writes the event's rows to the data lake. Both ask `sale_event`, so
they always agree on which records count and what each is called. The reviews handler asks
`payment_event` which purchases make (or unmake) a verified buyer of their books.
"""

from typing import Any, NamedTuple

from orders.models import CANCELLED as CANCELLED_STATUS
from orders.models import COMPLETED as COMPLETED_STATUS
from orders.models import PENDING as PENDING_STATUS
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


PAID = "paid"
UNPAID = "unpaid"


def payment_event(*, event_name: str, new: dict[str, Any] | None, old: dict[str, Any] | None) -> SaleEvent | None:
    """Whether a purchase change makes it paid (+1) or takes a paid one back (-1), else None.

    Paid: created completed (settled at checkout), or moved from pending to completed.
    Taken back: moved from completed to cancelled. An unpaid order cancelled was never paid.
    """
    if new is None:
        return None
    status, before = new.get("status"), (old or {}).get("status")
    if status == COMPLETED_STATUS and (event_name == INSERT or (event_name == MODIFY and before == PENDING_STATUS)):
        return SaleEvent(PAID, 1)
    if event_name == MODIFY and status == CANCELLED_STATUS and before == COMPLETED_STATUS:
        return SaleEvent(UNPAID, -1)
    return None
