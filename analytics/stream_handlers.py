"""The analytics stream handlers: purchases and review changes → the data lake (`analytics.lake`)."""

from collections.abc import Callable
from datetime import UTC, datetime

from streams.registry import INSERT, MODIFY, REMOVE, RecordFailure, StreamRecord, stream_handler


def _export(
    records: list[StreamRecord], *, rows_for_change: Callable, write: Callable, what: str
) -> list[RecordFailure]:
    """Build each record's rows and write the batch's in one file per partition.

    A record whose rows cannot be built fails, and so does every record after it (their
    rows are not written): the stream is retried from the failed record, and the rows of
    the records before it are written now.
    """
    rows = []
    written = records
    failures: list[RecordFailure] = []
    for index, record in enumerate(records):
        approximate = datetime.fromtimestamp(record.approximate_creation or 0, UTC)
        try:
            rows += rows_for_change(
                event_name=record.event_name, new=record.new_image, old=record.old_image, approximate_time=approximate
            )
        except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
            reason = f"not a {what} row: {type(exc).__name__}: {exc}"
            failures = [RecordFailure(record=r, reason=reason) for r in records[index:]]
            written = records[:index]
            break
    if rows:
        write(rows, first_record_id=written[0].event_id)
    return failures


@stream_handler("purchases", events={INSERT, MODIFY})
def export_purchases(records: list[StreamRecord]) -> list[RecordFailure]:
    """Turn the batch's purchases and cancellations into lake rows, one file per partition."""
    from analytics.lake import rows_for_change, write_rows

    return _export(records, rows_for_change=rows_for_change, write=write_rows, what="purchase")


@stream_handler("reviews", events={INSERT, MODIFY, REMOVE})
def export_review_events(records: list[StreamRecord]) -> list[RecordFailure]:
    """Turn the batch's review changes (not votes, not the handlers' own writes) into lake rows."""
    from analytics.review_lake import review_rows_for_change, write_review_rows

    return _export(records, rows_for_change=review_rows_for_change, write=write_review_rows, what="review event")
