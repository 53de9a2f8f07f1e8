"""The webhooks stream handlers: purchases → order events, books → stock events, each → deliveries.

Both only record deliveries and enqueue their messages (webhooks/deliveries.py); no receiver
is called here, so a slow or dead endpoint never holds a stream shard.
"""

from streams.registry import INSERT, MODIFY, RecordFailure, StreamRecord, stream_handler


@stream_handler("purchases", events={INSERT, MODIFY})
def deliver_order_events(records: list[StreamRecord]) -> list[RecordFailure]:
    """order.created / paid / cancelled / expired, to the endpoints of the order's tenant that want them."""
    from webhooks.deliveries import deliveries_from_records
    from webhooks.events import order_webhook_events

    return deliveries_from_records(records, order_webhook_events)


@stream_handler("books", events={MODIFY})
def deliver_stock_events(records: list[StreamRecord]) -> list[RecordFailure]:
    """book.out_of_stock / book.back_in_stock when a book item's `in_stock` flips."""
    from webhooks.deliveries import deliveries_from_records
    from webhooks.events import book_webhook_events

    return deliveries_from_records(records, book_webhook_events)
