"""The orders stream handlers: purchases → the catalogue's sales and co-purchase counters."""

from streams.registry import INSERT, MODIFY, RecordFailure, StreamRecord, stream_handler


@stream_handler("purchases", events={INSERT, MODIFY})
def count_sales(records: list[StreamRecord]) -> list[RecordFailure]:
    """Move the sales and co-purchase counters once per purchase and once per cancellation.

    Records are counted in shard order; the first that fails stops the batch (it and the
    records after it are reported), so the retry starts there and markers skip what was done.
    """
    from catalog.sales import SaleLine, sales_count_event
    from orders.sale_events import sale_event

    for index, record in enumerate(records):
        try:
            event = sale_event(event_name=record.event_name, new=record.new_image, old=record.old_image)
            if event is None:
                continue
            image = record.new_image
            lines = [
                SaleLine(book_id=item["book_id"], category=item["category"], quantity=int(item["quantity"]))
                for item in image["items"]
            ]
            sales_count_event(
                tenant_id=image["tenant_id"],
                purchase_id=image["purchase_id"],
                event_type=event.event_type,
                lines=lines,
                sign=event.sign,
            )
        except Exception as exc:
            reason = f"sales counters: {type(exc).__name__}: {exc}"
            return [RecordFailure(record=r, reason=reason) for r in records[index:]]
    return []
