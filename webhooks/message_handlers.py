"""The webhooks outbound message handler: one `webhook_delivery` message, one attempt of one delivery."""

from outbound.registry import OutboundMessage, message_handler


@message_handler("webhook_delivery")
def send_delivery(message: OutboundMessage) -> None:
    """Send the named delivery if it is due and wanted (webhooks/deliveries.py: `delivery_attempt`)."""
    from webhooks.deliveries import delivery_attempt

    delivery_attempt(
        tenant_id=message.tenant_id,
        endpoint_id=str(message.body["endpoint_id"]),
        delivery_id=str(message.body["delivery_id"]),
    )
