"""The order events other systems hear about, and which purchase stream record is which.

A purchase's life, as events: `order.created` (its INSERT), `order.paid` (created settled, or
moved from pending to completed), and at most one of `order.cancelled` (a customer or an
admin cancelled it) and `order.expired` (the expiry job cancelled it unpaid). An INSERT of a
settled order is two events, created then paid. A change that is none of these (a redelivery,
a later edit of a cancelled order) is no event, so each event happens once per order.

`sequence` orders one order's events (created 1, paid 2, cancelled or expired 3): receivers
get events at least once and not always in order (retries), and keep the highest they saw.
`event_id` names an event for good: the same order and event give the same id on every
delivery, so a receiver deduplicates on it, and our own outbound records key on it.
"""

import hashlib
from typing import Any, NamedTuple

from orders.lifecycle import Actor
from orders.models import CANCELLED, COMPLETED, PENDING
from streams.registry import INSERT, MODIFY

ORDER_CREATED = "order.created"
ORDER_PAID = "order.paid"
ORDER_CANCELLED = "order.cancelled"
ORDER_EXPIRED = "order.expired"
ORDER_EVENT_TYPES = (ORDER_CREATED, ORDER_PAID, ORDER_CANCELLED, ORDER_EXPIRED)
SEQUENCE = {ORDER_CREATED: 1, ORDER_PAID: 2, ORDER_CANCELLED: 3, ORDER_EXPIRED: 3}


class OrderEvent(NamedTuple):
    """One event of one order: its type, its place in the order's life, and its stable id."""

    event_type: str
    tenant_id: str
    purchase_id: str

    @property
    def sequence(self) -> int:
        return SEQUENCE[self.event_type]

    @property
    def event_id(self) -> str:
        return event_id_for(self.tenant_id, self.purchase_id, self.event_type)


def event_id_for(tenant_id: str, subject_id: str, event_type: str) -> str:
    """`evt_` and 24 hex digits of a hash of what the event is about: the same event, the same id."""
    digest = hashlib.sha256(f"{tenant_id}#{subject_id}#{event_type}".encode()).hexdigest()
    return f"evt_{digest[:24]}"


def order_events(*, event_name: str, new: dict[str, Any] | None, old: dict[str, Any] | None) -> list[OrderEvent]:
    """The order events of a purchase stream record, in order (see the module docstring)."""
    if new is None or event_name not in (INSERT, MODIFY):
        return []
    tenant_id, purchase_id = str(new["tenant_id"]), str(new["purchase_id"])
    status, before = new.get("status"), (old or {}).get("status")
    types: list[str] = []
    if event_name == INSERT:
        types.append(ORDER_CREATED)
        if status == COMPLETED:
            types.append(ORDER_PAID)
    elif status == COMPLETED and before == PENDING:
        types.append(ORDER_PAID)
    elif status == CANCELLED and before not in (None, CANCELLED):
        expired = new.get("cancelled_by") == Actor.SYSTEM.value
        types.append(ORDER_EXPIRED if expired else ORDER_CANCELLED)
    return [OrderEvent(event_type, tenant_id, purchase_id) for event_type in types]
