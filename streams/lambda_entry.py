"""The Lambda entry point of the DynamoDB Streams event source mappings (and of the local poller).

`handle(event, context)` takes the standard DynamoDB Streams event, deserialises each
record's images (numbers as Decimal), groups the records by table and calls every
registered handler with whole batches. It returns `{"batchItemFailures": [...]}` naming,
per stream, the first record that failed, so Lambda retries from there: nothing after it
is skipped, and one bad record does not block other streams. Each failure is logged with
the tenant, the key and the reason.
"""

import logging
import time
from collections import Counter, defaultdict
from typing import Any

from django.conf import settings

from bookstore import metrics
from streams.registry import RecordFailure, StreamRecord, handlers_for

logger = logging.getLogger(__name__)


def table_from_stream_arn(arn: str) -> str:
    """`arn:aws:dynamodb:r:a:table/bookstore-dev-books/stream/2024...` → `books`."""
    physical = arn.split(":", 5)[-1].split("/")[1]
    return physical.removeprefix(settings.DYNAMODB_TABLE_PREFIX)


def _deserialise(image: dict[str, Any] | None) -> dict[str, Any] | None:
    if image is None:
        return None
    from boto3.dynamodb.types import TypeDeserializer

    deserializer = TypeDeserializer()
    return {name: deserializer.deserialize(value) for name, value in image.items()}


def parse_record(raw: dict[str, Any]) -> StreamRecord:
    """A Lambda-shaped stream record as a `StreamRecord`."""
    body = raw["dynamodb"]
    created = body.get("ApproximateCreationDateTime")
    return StreamRecord(
        table=table_from_stream_arn(raw["eventSourceARN"]),
        event_id=raw["eventID"],
        event_name=raw["eventName"],
        sequence_number=body["SequenceNumber"],
        keys=_deserialise(body.get("Keys")) or {},
        new_image=_deserialise(body.get("NewImage")),
        old_image=_deserialise(body.get("OldImage")),
        event_source_arn=raw["eventSourceARN"],
        approximate_creation=float(created) if created is not None else None,
    )


def dispatch(records: list[StreamRecord]) -> list[RecordFailure]:
    """Call each table's handlers with that table's records; return every failure reported or raised."""
    by_table: dict[str, list[StreamRecord]] = defaultdict(list)
    for record in records:
        by_table[record.table].append(record)
    failures: list[RecordFailure] = []
    for table, batch in by_table.items():
        for registration in handlers_for(table):
            selected = [r for r in batch if r.event_name in registration.events]
            if not selected:
                continue
            try:
                failures.extend(registration.handler(selected) or ())
            except Exception as exc:
                logger.exception("Stream handler %s failed on a batch of %d", registration.name, len(selected))
                reason = f"{registration.name}: {type(exc).__name__}: {exc}"
                failures.extend(RecordFailure(record=r, reason=reason) for r in selected)
    return failures


def first_failures(records: list[StreamRecord], failures: list[RecordFailure]) -> list[RecordFailure]:
    """Per stream, the failure of the earliest record in the batch (Lambda retries from it)."""
    position = {id(r): i for i, r in enumerate(records)}
    first: dict[str, RecordFailure] = {}
    for failure in sorted(failures, key=lambda f: position.get(id(f.record), len(records))):
        first.setdefault(failure.record.event_source_arn, failure)
    return list(first.values())


def batch_metrics_emit(records: list[StreamRecord], first: list[RecordFailure]) -> None:
    """Per table: records handled, records sent back for a retry (from each stream's first failure on), lag.

    The lag is the oldest record's age in the batch (now minus ApproximateCreationDateTime),
    in milliseconds: how far behind the writes this consumer runs.
    """
    position = {id(r): i for i, r in enumerate(records)}
    retry_from = {f.record.event_source_arn: position[id(f.record)] for f in first if id(f.record) in position}
    handled: Counter[str] = Counter()
    retried: Counter[str] = Counter()
    oldest: dict[str, float] = {}
    for index, record in enumerate(records):
        start = retry_from.get(record.event_source_arn)
        (retried if start is not None and index >= start else handled)[record.table] += 1
        created = record.approximate_creation
        if created is not None:
            oldest[record.table] = min(oldest.get(record.table, created), created)
    now = time.time()
    for table in handled | retried:
        metrics.emit(metrics.STREAM_RECORDS_HANDLED, handled[table], dimensions={"Table": table})
        metrics.emit(metrics.STREAM_RECORDS_RETRIED, retried[table], dimensions={"Table": table})
    for table, created in oldest.items():
        metrics.emit(metrics.STREAM_LAG, max(0, round((now - created) * 1000)), dimensions={"Table": table})


def handle(event: dict[str, Any], context: Any = None) -> dict[str, list[dict[str, str]]]:
    """The Lambda handler: process a DynamoDB Streams event, report the records to retry from."""
    response, _ = handle_with_reasons(event)
    return response


def handle_with_reasons(event: dict[str, Any]) -> tuple[dict[str, list[dict[str, str]]], list[RecordFailure]]:
    """`handle`, also returning the first failures with their reasons (the poller parks records with them)."""
    records = [parse_record(raw) for raw in event.get("Records", [])]
    failures = dispatch(records)
    first = first_failures(records, failures)
    batch_metrics_emit(records, first)
    for failure in first:
        record = failure.record
        logger.error(
            "Stream record failed: table=%s tenant=%s keys=%s event=%s sequence=%s reason=%s (%d failed in batch)",
            record.table,
            record.tenant_id,
            record.keys,
            record.event_name,
            record.sequence_number,
            failure.reason,
            len(failures),
        )
    return {"batchItemFailures": [{"itemIdentifier": f.record.sequence_number} for f in first]}, first
