"""Operations on parked stream records: park, list, replay, and collect what Lambda gave up on.

Records are parked by the local poller after STREAMS_MAX_ATTEMPTS, and on AWS by Lambda,
which sends a batch it gave up on to the stage's failure queue (the on-failure destination
`wire_streams` sets). That message names the shard and the sequence range, not the records:
`failed_batches_collect` reads them back from the stream (within its 24-hour retention) and
parks them here, so one `parked_records replay` serves both.
"""

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings

from bookstore import aws, metrics
from bookstore.dynamodb.clock import now
from streams.lambda_entry import handle_with_reasons
from streams.models import ParkedRecord
from streams.registry import streamed_tables

logger = logging.getLogger(__name__)
SEQUENCE_WIDTH = 40  # sequence numbers are up to 40 digits; padded, they sort as text


def lambda_record(raw: dict[str, Any], *, stream_arn: str) -> dict[str, Any]:
    """A GetRecords record in the shape Lambda delivers: eventSourceARN added, the time as epoch seconds."""
    body = dict(raw["dynamodb"])
    created = body.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        body["ApproximateCreationDateTime"] = created.timestamp()
    return {
        "eventID": raw["eventID"],
        "eventName": raw["eventName"],
        "eventVersion": raw.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": raw.get("awsRegion", settings.AWS_REGION),
        "dynamodb": body,
        "eventSourceARN": stream_arn,
    }


def parked_position(shard_id: str, sequence_number: str) -> str:
    return f"{shard_id}#{sequence_number.zfill(SEQUENCE_WIDTH)}"


def record_park(*, table: str, shard_id: str, record: dict[str, Any], reason: str, attempts: int) -> ParkedRecord:
    """Set a Lambda-shaped record aside with why it failed (parking it twice keeps one item)."""
    keys = record["dynamodb"].get("Keys", {})
    first_key = next(iter(keys.values()), {})
    tenant_id = str(next(iter(first_key.values()), "")).split("#", 1)[0]
    sequence = record["dynamodb"]["SequenceNumber"]
    parked = ParkedRecord(
        table,
        parked_position(shard_id, sequence),
        tenant_id=tenant_id,
        event_name=record["eventName"],
        sequence_number=sequence,
        record=json.dumps(record, default=str),
        reason=reason[:2000],
        attempts=attempts,
        parked_at=now(),
    )
    parked.save()
    metrics.emit(metrics.STREAM_RECORDS_PARKED, dimensions={"Table": table}, tenant=tenant_id)
    logger.error(
        "Stream %s shard %s: parked record %s (tenant %s, keys %s) after %d attempts: %s",
        table,
        shard_id,
        sequence,
        tenant_id,
        keys,
        attempts,
        reason,
    )
    return parked


def parked_records_list(*, tables: list[str] | None = None) -> list[ParkedRecord]:
    """The parked records of `tables` (default: every streamed table), in shard order: one Query per table."""
    return [record for table in tables or streamed_tables() for record in ParkedRecord.query(table)]


def parked_record_replay(*, parked: ParkedRecord) -> bool:
    """Feed a parked record to the entry point again; delete it if it now succeeds.

    Returns True when it succeeded. A record that fails again stays parked, with the new
    reason and one more attempt counted. Handlers are idempotent, so replaying a record
    whose effect partly happened is safe.
    """
    _, failures = handle_with_reasons({"Records": [json.loads(parked.record)]})
    if not failures:
        parked.delete()
        return True
    parked.update(
        actions=[
            ParkedRecord.reason.set(failures[0].reason[:2000]),
            ParkedRecord.attempts.add(1),
            ParkedRecord.parked_at.set(now()),
        ]
    )
    return False


@dataclass(frozen=True)
class CollectResult:
    batches: int
    parked: int
    unreadable: int


def _logical_table(stream_arn: str) -> str:
    physical = stream_arn.split(":table/", 1)[1].split("/stream/", 1)[0]
    return physical.removeprefix(settings.DYNAMODB_TABLE_PREFIX)


def _batch_records(info: dict[str, Any]) -> list[dict[str, Any]]:
    """The records of one failed batch, read back from its shard, in the shape Lambda delivered them."""
    streams = aws.client("dynamodbstreams")
    iterator = streams.get_shard_iterator(
        StreamArn=info["streamArn"],
        ShardId=info["shardId"],
        ShardIteratorType="AT_SEQUENCE_NUMBER",
        SequenceNumber=info["startSequenceNumber"],
    )["ShardIterator"]
    last = int(info["endSequenceNumber"])
    records: list[dict[str, Any]] = []
    while iterator:
        response = streams.get_records(ShardIterator=iterator, Limit=1000)
        for raw in response["Records"]:
            if int(raw["dynamodb"]["SequenceNumber"]) > last:
                return records
            records.append(lambda_record(raw, stream_arn=info["streamArn"]))
        if not response["Records"]:
            return records
        iterator = response.get("NextShardIterator")
    return records


def failed_batches_collect() -> CollectResult:
    """Park the records of every batch Lambda sent to the failure queue, then delete the messages.

    A message whose records the stream no longer holds (past its retention) stays on the
    queue and is counted as unreadable: rebuild what it fed (e.g. the search index) instead.
    """
    sqs = aws.client("sqs")
    try:
        url = sqs.get_queue_url(QueueName=settings.STREAMS_FAILURE_QUEUE)["QueueUrl"]
    except sqs.exceptions.QueueDoesNotExist:
        return CollectResult(batches=0, parked=0, unreadable=0)
    batches = parked = unreadable = 0
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        for message in messages:
            body = json.loads(message["Body"])
            info = body["DDBStreamBatchInfo"]
            records = _batch_records(info)
            if not records:
                unreadable += 1
                logger.error("Failed stream batch %s of %s is no longer in the stream", info, info["streamArn"])
                continue
            context = body.get("requestContext", {})
            reason = f"Lambda gave up on the batch: {context.get('condition', 'unknown')}"
            for record in records:
                record_park(
                    table=_logical_table(info["streamArn"]),
                    shard_id=info["shardId"],
                    record=record,
                    reason=reason,
                    attempts=int(context.get("approximateInvokeCount", 1)),
                )
            parked += len(records)
            batches += 1
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        if unreadable:
            break  # what is left are the unreadable ones (invisible for a while), or new failures
    return CollectResult(batches=batches, parked=parked, unreadable=unreadable)
