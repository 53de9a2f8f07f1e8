"""The local stream poller: reads the DynamoDB Streams API and feeds the Lambda entry point.

It does what Lambda's event source mapping does on AWS, against whatever endpoint the
settings name (the emulator by default): it follows every shard of every streamed table,
and new shards as they appear; builds Lambda-shaped events, adding the eventSourceARN
that the emulator's records lack; and calls `streams.lambda_entry`. A shard's checkpoint
moves only past records that succeeded (or were parked), so a restart resumes after the
last processed record. A failing record is retried with backoff from where it failed;
after STREAMS_MAX_ATTEMPTS attempts it is parked in `ParkedRecord` with its reason and
its shard flows on. A transient failure (a service the handler needs is unavailable, e.g.
the search engine is down) is not the record's fault: it is retried with a backoff capped
at STREAMS_MAX_BACKOFF_SECONDS for as long as the outage lasts, never parked, so the shard
resumes by itself, in order and with nothing set aside, once the service is back.
"""

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError
from django.conf import settings

from bookstore import aws
from bookstore.dynamodb.clock import now
from streams.lambda_entry import handle_with_reasons
from streams.models import StreamCheckpoint
from streams.registry import streamed_tables
from streams.services import lambda_record, record_park
from streams.sources import stream_arn

logger = logging.getLogger(__name__)

DISCOVERY_INTERVAL_SECONDS = 10.0


@dataclass
class ShardCursor:
    """The poller's hold on one shard: its checkpoint, its open iterator, its retry schedule."""

    table: str
    stream_arn: str
    shard_id: str
    checkpoint: StreamCheckpoint
    iterator: str | None = None
    drained: bool = False  # a closed shard read to its end
    retry_at: float = 0.0
    outage_retries: int = 0  # consecutive transient failures (a service down), for the backoff

    @property
    def waiting_for_service(self) -> bool:
        return self.outage_retries > 0

    @property
    def failing(self) -> bool:
        return self.checkpoint.failing_sequence_number is not None


@dataclass
class PollResult:
    processed: int = 0  # records that succeeded or were parked
    failed: bool = False


@dataclass
class StreamPoller:
    """Follows the streams of `tables` (default: every table with a handler) and processes their records."""

    tables: list[str] | None = None
    batch_size: int = field(default_factory=lambda: settings.STREAMS_BATCH_SIZE)
    max_attempts: int = field(default_factory=lambda: settings.STREAMS_MAX_ATTEMPTS)
    on_records: Callable[[int], None] = lambda count: None
    cursors: dict[str, ShardCursor] = field(default_factory=dict)

    # --- Shards ---------------------------------------------------------------------------

    def discover(self) -> None:
        """Find the shards of every followed stream; load the checkpoint of each new one."""
        for table in self.tables or streamed_tables():
            arn = stream_arn(table)
            if arn is None:
                logger.warning("Table %s has no stream; not followed", table)
                continue
            for shard in self._shards(arn):
                key = StreamCheckpoint.key_for(table, shard["ShardId"])
                if key in self.cursors:
                    continue
                try:
                    checkpoint = StreamCheckpoint.get(key, consistent_read=True)
                except StreamCheckpoint.DoesNotExist:
                    checkpoint = StreamCheckpoint(key, table=table, shard_id=shard["ShardId"], stream_arn=arn)
                checkpoint.stream_arn = arn
                self.cursors[key] = ShardCursor(table, arn, shard["ShardId"], checkpoint)

    @staticmethod
    def _shards(arn: str) -> Iterable[dict[str, Any]]:
        """Every shard of a stream, parents before children (DescribeStream lists them in that order)."""
        streams = aws.client("dynamodbstreams")
        start = None
        while True:
            kwargs = {"StreamArn": arn, **({"ExclusiveStartShardId": start} if start else {})}
            description = streams.describe_stream(**kwargs)["StreamDescription"]
            yield from description["Shards"]
            start = description.get("LastEvaluatedShardId")
            if not start:
                return

    def _iterator(self, cursor: ShardCursor) -> str:
        streams = aws.client("dynamodbstreams")
        position = cursor.checkpoint.sequence_number
        kwargs = {"StreamArn": cursor.stream_arn, "ShardId": cursor.shard_id}
        if position:
            kwargs |= {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": position}
        else:
            kwargs |= {"ShardIteratorType": "TRIM_HORIZON"}
        return streams.get_shard_iterator(**kwargs)["ShardIterator"]

    def _read(self, cursor: ShardCursor, limit: int) -> list[dict[str, Any]]:
        """The next records of a shard after its checkpoint (at most `limit`)."""
        if cursor.iterator is None:
            cursor.iterator = self._iterator(cursor)
        try:
            response = aws.client("dynamodbstreams").get_records(ShardIterator=cursor.iterator, Limit=limit)
        except ClientError as exc:
            if exc.response["Error"]["Code"] in {"ExpiredIteratorException", "TrimmedDataAccessException"}:
                cursor.iterator = None
                return []
            raise
        cursor.iterator = response.get("NextShardIterator")
        if cursor.iterator is None:
            cursor.drained = True
        return response["Records"]

    # --- Processing -----------------------------------------------------------------------

    def poll_shard(self, cursor: ShardCursor, *, limit: int | None = None) -> PollResult:
        """Process the next batch of one shard, unless it is waiting out a retry backoff."""
        if cursor.drained or time.monotonic() < cursor.retry_at:
            return PollResult()
        raws = self._read(cursor, min(self.batch_size, limit or self.batch_size))
        if not raws:
            return PollResult()
        records = [lambda_record(raw, stream_arn=cursor.stream_arn) for raw in raws]
        response, failures = handle_with_reasons({"Records": records})
        failed = {f["itemIdentifier"] for f in response["batchItemFailures"]}
        if not failed:
            self._advance(cursor, records[-1])
            self.on_records(len(records))
            return PollResult(processed=len(records))
        index = next(i for i, r in enumerate(records) if r["dynamodb"]["SequenceNumber"] in failed)
        failure = next((f for f in failures if f.record.sequence_number in failed), None)
        reason = failure.reason if failure else "unknown"
        if failure is not None and failure.transient:
            return self._on_outage(cursor, records, index, reason)
        return self._on_failure(cursor, records, index, reason)

    def _advance(self, cursor: ShardCursor, last: dict[str, Any]) -> None:
        checkpoint = cursor.checkpoint
        checkpoint.sequence_number = last["dynamodb"]["SequenceNumber"]
        checkpoint.failing_sequence_number = None
        checkpoint.attempts = 0
        checkpoint.updated_at = now()
        checkpoint.save()
        cursor.retry_at = 0.0
        cursor.outage_retries = 0

    def _on_failure(self, cursor: ShardCursor, records: list[dict], index: int, reason: str) -> PollResult:
        """Keep what succeeded before the failed record; retry it later, or park it after max_attempts."""
        record = records[index]
        sequence = record["dynamodb"]["SequenceNumber"]
        checkpoint = cursor.checkpoint
        attempts = (int(checkpoint.attempts) if checkpoint.failing_sequence_number == sequence else 0) + 1
        cursor.iterator = None  # re-read from the checkpoint next time
        if attempts >= self.max_attempts:
            self._park(cursor, record, reason=reason, attempts=attempts)
            self._advance(cursor, record)
            self.on_records(index + 1)
            return PollResult(processed=index + 1, failed=True)
        if index:
            checkpoint.sequence_number = records[index - 1]["dynamodb"]["SequenceNumber"]
            self.on_records(index)
        checkpoint.failing_sequence_number = sequence
        checkpoint.attempts = attempts
        checkpoint.updated_at = now()
        checkpoint.save()
        backoff = min(
            settings.STREAMS_RETRY_BACKOFF_SECONDS * 2 ** (attempts - 1), settings.STREAMS_MAX_BACKOFF_SECONDS
        )
        cursor.retry_at = time.monotonic() + backoff
        logger.warning(
            "Stream %s shard %s: record %s failed (attempt %d of %d), retrying in %.1fs: %s",
            cursor.table,
            cursor.shard_id,
            sequence,
            attempts,
            self.max_attempts,
            backoff,
            reason,
        )
        return PollResult(processed=index, failed=True)

    def _on_outage(self, cursor: ShardCursor, records: list[dict], index: int, reason: str) -> PollResult:
        """Keep what succeeded before the failed record; retry it after a capped backoff, without counting it.

        The record's attempts are not counted towards parking: it failed because a service
        is down, and it will succeed once that service is back.
        """
        checkpoint = cursor.checkpoint
        cursor.iterator = None  # re-read from the checkpoint next time
        if index:
            checkpoint.sequence_number = records[index - 1]["dynamodb"]["SequenceNumber"]
            checkpoint.updated_at = now()
            checkpoint.save()
            self.on_records(index)
        cursor.outage_retries += 1
        backoff = min(
            settings.STREAMS_RETRY_BACKOFF_SECONDS * 2 ** min(cursor.outage_retries - 1, 16),
            settings.STREAMS_MAX_BACKOFF_SECONDS,
        )
        cursor.retry_at = time.monotonic() + backoff
        log = logger.warning if cursor.outage_retries == 1 else logger.info
        log(
            "Stream %s shard %s: record %s waits for an unavailable service (retry %d in %.1fs): %s",
            cursor.table,
            cursor.shard_id,
            records[index]["dynamodb"]["SequenceNumber"],
            cursor.outage_retries,
            backoff,
            reason,
        )
        return PollResult(processed=index, failed=True)

    def _park(self, cursor: ShardCursor, record: dict[str, Any], *, reason: str, attempts: int) -> None:
        record_park(table=cursor.table, shard_id=cursor.shard_id, record=record, reason=reason, attempts=attempts)

    # --- Loops ----------------------------------------------------------------------------

    def run_once(self, *, max_records: int | None = None) -> int:
        """Process every record there is now, then return how many were processed (or parked).

        Failing records are retried (after their backoff) until they succeed or are parked,
        so this always ends. A shard whose record waits for an unavailable service stops
        there (its checkpoint just before it, nothing parked): the next run resumes from it.
        `max_records` stops early, at a batch boundary, once that many were processed: a
        restart then resumes from the checkpoints.
        """
        self.discover()
        total = 0
        while True:
            busy = False
            for cursor in self.cursors.values():
                remaining = None if max_records is None else max_records - total
                if remaining is not None and remaining <= 0:
                    return total
                result = self.poll_shard(cursor, limit=remaining)
                total += result.processed
                busy |= result.processed > 0 or (cursor.failing and not cursor.waiting_for_service)
            if not busy:
                return total
            waits = [
                c.retry_at for c in self.cursors.values() if c.failing and not c.drained and not c.waiting_for_service
            ]
            delay = min(waits, default=0.0) - time.monotonic()
            if delay > 0:
                time.sleep(delay)

    def run_forever(self, *, stop: threading.Event, interval: float | None = None) -> None:
        """Poll every shard until `stop` is set; look for new shards every few seconds."""
        interval = settings.STREAMS_POLL_INTERVAL_SECONDS if interval is None else interval
        discovered_at = 0.0
        while not stop.is_set():
            try:
                if time.monotonic() - discovered_at > DISCOVERY_INTERVAL_SECONDS:
                    self.discover()
                    discovered_at = time.monotonic()
                busy = False
                for cursor in list(self.cursors.values()):
                    busy |= self.poll_shard(cursor).processed > 0
            except Exception:
                logger.exception("Stream poller error; retrying in %.1fs", interval)
                busy = False
                for cursor in self.cursors.values():
                    cursor.iterator = None
            if not busy:
                stop.wait(interval)


def skip_backlog(*, tables: list[str] | None = None) -> int:
    """Move every checkpoint to the end of its shard without running handlers; return the records skipped.

    For a fresh environment that should not replay an old stream, and for tests that
    start from "now". Reads the unread records once (GetRecords), processes none.
    """
    poller = StreamPoller(tables=tables, batch_size=1000)
    poller.discover()
    skipped = 0
    for cursor in poller.cursors.values():
        last = None
        while raws := poller._read(cursor, 1000):
            last = raws[-1]
            skipped += len(raws)
        if last is not None:
            poller._advance(cursor, last)
    return skipped
