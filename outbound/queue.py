"""The outbound queue: put work on it (`enqueue`, `enqueue_and_mark`), and read its messages back as `OutboundMessage`s.

On a stage the queue is SQS and Lambda reads it (an event source mapping, outbound/wiring.py);
locally it is the emulator's SQS and a thread of `make run` reads it (outbound/worker.py).

A message may say when it may run (`not_before`). SQS can hide a message for at most
900 s (DelaySeconds); a message due later is hidden for OUTBOUND_MAX_DELAY_SECONDS and,
when it shows up early, the worker puts it back for the rest of its wait (`defer`). So a
webhook's backoff of hours costs a handful of messages, and the wait is as long as the
application clock says, which is what the tests move.
"""

import json
import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import TypeVar

from django.conf import settings

from bookstore import aws
from bookstore.dynamodb.clock import now
from outbound.registry import OutboundMessage

BATCH_LIMIT = 10  # SendMessageBatch and ReceiveMessage take at most 10 messages
SQS_MAX_DELAY_SECONDS = 900
# Independent writes of one batch made at once: DynamoDB answers each in a few milliseconds, and a
# stream batch's hundreds of markers need not wait on one another.
WRITE_CONCURRENCY = 8

logger = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")

_urls: dict[str, str] = {}
_urls_lock = threading.Lock()


class EnqueueError(RuntimeError):
    """SQS refused some messages of a batch."""


def queue_url() -> str:
    """The URL of the stage's outbound queue (looked up once per process)."""
    name = settings.OUTBOUND_QUEUE
    with _urls_lock:
        if name not in _urls:
            _urls[name] = aws.client("sqs").get_queue_url(QueueName=name)["QueueUrl"]
        return _urls[name]


def message_encode(message: OutboundMessage) -> str:
    return json.dumps(
        {
            "kind": message.kind,
            "tenant_id": message.tenant_id,
            "body": message.body,
            "not_before": message.not_before.isoformat() if message.not_before else None,
        },
        sort_keys=True,
        default=str,
    )


def message_decode(text: str) -> OutboundMessage:
    data = json.loads(text)
    not_before = data.get("not_before")
    return OutboundMessage(
        kind=data["kind"],
        tenant_id=data["tenant_id"],
        body=data.get("body") or {},
        not_before=datetime.fromisoformat(not_before) if not_before else None,
    )


def delay_seconds(message: OutboundMessage) -> int:
    """How long SQS hides the message: the rest of its wait, at most OUTBOUND_MAX_DELAY_SECONDS."""
    if message.not_before is None:
        return 0
    wait = (message.not_before - now()).total_seconds()
    return max(0, min(int(wait + 0.999), settings.OUTBOUND_MAX_DELAY_SECONDS, SQS_MAX_DELAY_SECONDS))


def enqueue(messages: Iterable[OutboundMessage]) -> int:
    """Put the messages on the queue, 10 per SendMessageBatch call; raise EnqueueError if SQS refused any.

    Raising lets the caller (a stream handler) fail its record and be retried: the records it
    already wrote are found by their markers, and only what was not enqueued is sent again.
    """
    pending = list(messages)
    sqs = aws.client("sqs")
    for start in range(0, len(pending), BATCH_LIMIT):
        chunk = pending[start : start + BATCH_LIMIT]
        entries = [
            {"Id": str(index), "MessageBody": message_encode(message), "DelaySeconds": delay_seconds(message)}
            for index, message in enumerate(chunk)
        ]
        failed = sqs.send_message_batch(QueueUrl=queue_url(), Entries=entries).get("Failed", [])
        if failed:
            reasons = "; ".join(f"{f.get('Code')}: {f.get('Message', '')}" for f in failed)
            raise EnqueueError(f"SQS refused {len(failed)} of {len(chunk)} outbound messages: {reasons}")
    return len(pending)


def is_due(message: OutboundMessage) -> bool:
    return message.not_before is None or message.not_before <= now()


def at_once(function: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """`function` over `items`, WRITE_CONCURRENCY at a time; the results in the items' order."""
    items = list(items)
    if len(items) <= 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers=WRITE_CONCURRENCY, thread_name_prefix="outbound-writes") as pool:
        return list(pool.map(function, items))


def enqueue_and_mark(items: list[T], *, message: Callable[[T], OutboundMessage], mark: Callable[[T], None]) -> None:
    """The last step of recording outbound work: each item's message on the queue, then each item marked enqueued.

    Each item is a marker put before (with `enqueued` false), so a stream batch replayed after
    a crash enqueues only what never reached the queue. The messages go 10 per call (an
    EnqueueError if SQS refuses any: the caller fails and is retried); the marks go
    WRITE_CONCURRENCY at a time. A mark that fails is logged, not raised: its message is on the
    queue, and a replay would enqueue a duplicate, which the worker's claim sends once.
    """
    if not items:
        return
    enqueue(message(item) for item in items)

    def mark_logged(item: T) -> None:
        try:
            mark(item)
        except Exception as exc:
            logger.warning("Outbound work enqueued but not marked (%s): %s: %s", item, type(exc).__name__, exc)

    at_once(mark_logged, items)
