"""Webhook events: which stream record is which event, and the payload a receiver gets for it.

Order events come from the purchases stream (`orders.order_events` decides which change is
which event); stock events from the books stream, when a book item's `in_stock` flips. The
payload is built once, from the record's new image, and frozen in the delivery:

    {"id": "evt_...", "type": "order.paid", "created_at": "...", "tenant_id": "...",
     "version": 1, "sequence": 2, "data": {"order": {...}}}

`data` holds the order as `GET purchases/{id}` shows it, or the book as `GET books/{id}`
shows it without the live stock count and ratings (other items than the book, not in the
record). `created_at` is when the event happened (the order's `paid_at` for order.paid), so
a replay builds the same payload. `sequence` orders one order's events (created 1, paid 2,
cancelled or expired 3); a stock event's is its `in_stock_at` in milliseconds, which grows
with each flip of that book.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from boto3.dynamodb.types import TypeSerializer
from pynamodb.attributes import UTCDateTimeAttribute
from rest_framework.utils.encoders import JSONEncoder

from catalog.models import Book
from catalog.serializers import BookOutputSerializer
from orders.models import Purchase
from orders.order_events import ORDER_CREATED, ORDER_EVENT_TYPES, ORDER_PAID, event_id_for, order_events
from orders.serializers import PurchaseOutputSerializer
from streams.registry import MODIFY, StreamRecord

BOOK_OUT_OF_STOCK = "book.out_of_stock"
BOOK_BACK_IN_STOCK = "book.back_in_stock"
BOOK_EVENT_TYPES = (BOOK_OUT_OF_STOCK, BOOK_BACK_IN_STOCK)
EVENT_TYPES = (*ORDER_EVENT_TYPES, *BOOK_EVENT_TYPES)
PAYLOAD_VERSION = 1

_serializer = TypeSerializer()
_timestamps = UTCDateTimeAttribute()


@dataclass(frozen=True)
class WebhookEvent:
    """One event of one tenant; `payload` is the exact JSON body its deliveries send.

    The body is built on first use, so an event no endpoint wants costs no serialisation.
    """

    event_id: str
    event_type: str
    tenant_id: str
    build: Callable[[], str] = field(repr=False, compare=False)

    @property
    def payload(self) -> str:
        return self.build()


def _raw(image: dict[str, Any]) -> dict[str, Any]:
    """A stream image (deserialised) back in DynamoDB's wire form, which a model reads."""
    return {name: _serializer.serialize(value) for name, value in image.items()}


def _time(image: dict[str, Any], name: str) -> datetime | None:
    value = image.get(name)
    return _timestamps.deserialize(value) if value else None


def payload_encode(
    *, event_id: str, event_type: str, tenant_id: str, created_at: datetime, sequence: int, data: dict
) -> str:
    """The JSON body of an event: compact, keys in a fixed order, money and times as strings."""
    body = {
        "id": event_id,
        "type": event_type,
        "created_at": created_at.isoformat().replace("+00:00", "Z"),
        "tenant_id": tenant_id,
        "version": PAYLOAD_VERSION,
        "sequence": sequence,
        "data": data,
    }
    return json.dumps(body, cls=JSONEncoder, separators=(",", ":"), ensure_ascii=False)


def order_webhook_events(record: StreamRecord) -> list[WebhookEvent]:
    """The order events of a purchases stream record, each with its payload."""
    events = order_events(event_name=record.event_name, new=record.new_image, old=record.old_image)
    if not events:
        return []
    image = record.new_image or {}

    @cache
    def order() -> dict:
        return dict(PurchaseOutputSerializer(Purchase.from_raw_data(_raw(image))).data)

    def happened(event_type: str) -> datetime:
        created = _time(image, "created_at")
        if event_type == ORDER_CREATED:
            return created
        if event_type == ORDER_PAID:
            return _time(image, "paid_at") or created
        return _time(image, "cancelled_at") or _time(image, "updated_at") or created

    def builder(event) -> Callable[[], str]:
        return cache(
            lambda: payload_encode(
                event_id=event.event_id,
                event_type=event.event_type,
                tenant_id=event.tenant_id,
                created_at=happened(event.event_type),
                sequence=event.sequence,
                data={"order": order()},
            )
        )

    return [
        WebhookEvent(event_id=e.event_id, event_type=e.event_type, tenant_id=e.tenant_id, build=builder(e))
        for e in events
    ]


def book_webhook_events(record: StreamRecord) -> list[WebhookEvent]:
    """`book.out_of_stock` or `book.back_in_stock` if this record flips an active book's `in_stock`."""
    new, old = record.new_image, record.old_image
    if record.event_name != MODIFY or new is None or old is None or new.get("sk") != Book.SORT_KEY:
        return []
    in_stock = bool(new.get("in_stock", False))
    if in_stock == bool(old.get("in_stock", False)) or not new.get("is_active", False):
        return []
    at = _time(new, "in_stock_at") or _time(new, "updated_at") or _time(new, "created_at")
    tenant_id, book_id = str(new["tenant_id"]), str(new["book_id"])
    event_type = BOOK_BACK_IN_STOCK if in_stock else BOOK_OUT_OF_STOCK
    # One event per flip: the flip's time (in_stock_at versions the flag) is part of its id.
    event_id = event_id_for(tenant_id, f"{book_id}#{at.isoformat()}", event_type)

    @cache
    def build() -> str:
        return payload_encode(
            event_id=event_id,
            event_type=event_type,
            tenant_id=tenant_id,
            created_at=at,
            sequence=int(at.timestamp() * 1000),
            data={"book": dict(BookOutputSerializer(Book.from_raw_data(_raw(new))).data)},
        )

    return [WebhookEvent(event_id=event_id, event_type=event_type, tenant_id=tenant_id, build=build)]
