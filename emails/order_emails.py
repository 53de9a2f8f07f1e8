"""Which order event sends which email to the customer, and the order as its templates show it.

`order.created` sends the confirmation (lines, totals, shipping address, payment status),
`order.cancelled` the cancellation notice and `order.expired` the expiry notice; `order.paid`
sends nothing (the confirmation says whether the order is paid). The order is taken from
the stream record's new image, as it was when the event happened, so a confirmation
rendered after a quick cancellation still shows the order as placed.
"""

from typing import Any

from bookstore.money import to_cents
from emails.models import ORDER_CANCELLED, ORDER_CONFIRMATION, ORDER_EXPIRED
from emails.records import EmailToSend, email_id_for
from orders.models import COMPLETED
from orders.order_events import ORDER_CANCELLED as EVENT_CANCELLED
from orders.order_events import ORDER_CREATED as EVENT_CREATED
from orders.order_events import ORDER_EXPIRED as EVENT_EXPIRED
from orders.order_events import order_events

EMAIL_OF_EVENT = {EVENT_CREATED: ORDER_CONFIRMATION, EVENT_CANCELLED: ORDER_CANCELLED, EVENT_EXPIRED: ORDER_EXPIRED}


def _money(amount: Any) -> str | None:
    """An amount as the API writes it: whole cents, a dot, no currency (`19.99`)."""
    return None if amount is None else str(to_cents(amount))


def order_context(image: dict[str, Any]) -> dict[str, Any]:
    """The order as the email templates show it, from a purchase's stream image."""
    address = image.get("shipping_address") or {}
    return {
        "purchase_id": str(image["purchase_id"]),
        "created_at": str(image.get("created_at", "")),
        "status": str(image.get("status", "")),
        "paid": image.get("status") == COMPLETED or bool(image.get("paid_at")),
        "payment_method": str(image.get("payment_method", "")),
        "items": [
            {
                "title": str(item.get("title", "")),
                "author": str(item.get("author", "")),
                "quantity": int(item.get("quantity", 0)),
                "unit_price": _money(item.get("unit_price")),
                "subtotal": _money(item.get("subtotal")),
            }
            for item in image.get("items", [])
        ],
        "total_amount": _money(image.get("total_amount")),
        "refund_due": _money(image.get("refund_due")),
        "shipping_address": {
            key: str(address[key])
            for key in ("line1", "line2", "city", "region", "postal_code", "country")
            if address.get(key)
        },
    }


def order_emails(*, event_name: str, new: dict[str, Any] | None, old: dict[str, Any] | None) -> list[EmailToSend]:
    """The customer emails one purchase stream record sends (none for most records)."""
    emails = []
    for event in order_events(event_name=event_name, new=new, old=old):
        kind = EMAIL_OF_EVENT.get(event.event_type)
        if kind is None or new is None:
            continue
        emails.append(
            EmailToSend(
                tenant_id=event.tenant_id,
                email_id=email_id_for(event.event_id),
                kind=kind,
                user_id=str(new["user_id"]),
                context=order_context(new),
            )
        )
    return emails
