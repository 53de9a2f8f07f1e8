"""The analytics stream handlers: purchases → the data lake (`analytics.lake`)."""

from datetime import UTC, datetime

from streams.registry import INSERT, MODIFY, RecordFailure, StreamRecord, stream_handler


@stream_handler("purchases", events={INSERT, MODIFY})
def export_purchases(records: list[StreamRecord]) -> list[RecordFailure]:
    """Turn the batch's purchases and cancellations into lake rows, one file per partition.

    A record whose rows cannot be built fails, and so does every record after it (their
    rows are not written): the stream is retried from the failed record, and the rows of
    the records before it are written now.
    """
    from analytics.lake import rows_for_change, write_rows

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
            reason = f"not a purchase row: {type(exc).__name__}: {exc}"
            failures = [RecordFailure(record=r, reason=reason) for r in records[index:]]
            written = records[:index]
            break
    if rows:
        write_rows(rows, first_record_id=written[0].event_id)
    return failures
