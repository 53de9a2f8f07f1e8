"""The reviews stream handlers: reviews and votes → the aggregates; purchases → verified buyers.

Both count in shard order and stop at the first record that fails (it and the records after
it are reported), so the retry starts there and the markers skip what was done.
"""

from streams.registry import INSERT, MODIFY, REMOVE, RecordFailure, StreamRecord, stream_handler


@stream_handler("reviews", events={INSERT, MODIFY, REMOVE})
def count_reviews(records: list[StreamRecord]) -> list[RecordFailure]:
    """Move a book's rating aggregates by each review change, and a review's helpful counts by each vote."""
    from reviews.aggregates import review_change_count, vote_change_count
    from reviews.models import REVIEW_PREFIX, VOTE_PREFIX

    for index, record in enumerate(records):
        sort_key = str(record.keys.get("sk", ""))
        try:
            if sort_key.startswith(REVIEW_PREFIX):
                review_change_count(tenant_id=record.tenant_id, old=record.old_image, new=record.new_image)
            elif sort_key.startswith(VOTE_PREFIX):
                vote_change_count(old=record.old_image, new=record.new_image)
        except Exception as exc:
            reason = f"review aggregates: {type(exc).__name__}: {exc}"
            return [RecordFailure(record=r, reason=reason) for r in records[index:]]
    return []


@stream_handler("purchases", events={INSERT, MODIFY})
def count_verified_buyers(records: list[StreamRecord]) -> list[RecordFailure]:
    """Count each paid purchase per book and user, and take back a paid one that is cancelled."""
    from orders.sale_events import payment_event
    from reviews.aggregates import ownership_count_event

    for index, record in enumerate(records):
        try:
            event = payment_event(event_name=record.event_name, new=record.new_image, old=record.old_image)
            if event is None:
                continue
            image = record.new_image or {}
            ownership_count_event(
                tenant_id=str(image["tenant_id"]),
                user_id=str(image["user_id"]),
                purchase_id=str(image["purchase_id"]),
                event_type=event.event_type,
                book_ids=[str(item["book_id"]) for item in image.get("items", [])],
                sign=event.sign,
            )
        except Exception as exc:
            reason = f"verified buyers: {type(exc).__name__}: {exc}"
            return [RecordFailure(record=r, reason=reason) for r in records[index:]]
    return []
