"""The local stand-in for Lambda's SQS event source mapping: read the outbound queue, call `handle_records`.

`make run` runs `worker_run_forever` in a thread; `queue_drain` does everything the queue
holds now, once, and returns (tests, `manage.py outbound_worker --once`). Both build the
records Lambda would deliver, delete what was handled and leave what failed to reappear
after the queue's visibility timeout, as Lambda does.
"""

import logging
import threading
from typing import Any

from django.conf import settings

from bookstore import aws
from outbound.lambda_entry import BatchOutcome, handle_records
from outbound.queue import BATCH_LIMIT, enqueue, queue_url

logger = logging.getLogger(__name__)


def _lambda_record(message: dict[str, Any]) -> dict[str, Any]:
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "eventSource": "aws:sqs",
    }


def _receive_and_handle(*, wait_seconds: int, defer_later: bool) -> tuple[int, BatchOutcome]:
    """One ReceiveMessage of up to 10, handled; returns how many were received and what came of them."""
    sqs, url = aws.client("sqs", read_timeout=wait_seconds + 10), queue_url()
    received = sqs.receive_message(
        QueueUrl=url,
        MaxNumberOfMessages=BATCH_LIMIT,
        WaitTimeSeconds=wait_seconds,
        MessageSystemAttributeNames=["ApproximateReceiveCount"],
    ).get("Messages", [])
    if not received:
        return 0, BatchOutcome()
    outcome = handle_records([_lambda_record(m) for m in received], defer_later=defer_later)
    failed = set(outcome.failed)
    done = [m for m in received if m["MessageId"] not in failed]
    for start in range(0, len(done), BATCH_LIMIT):
        entries = [
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done[start : start + BATCH_LIMIT])
        ]
        sqs.delete_message_batch(QueueUrl=url, Entries=entries)
    return len(received), outcome


def queue_drain() -> BatchOutcome:
    """Handle every message visible now, and what handling them enqueues, until the queue shows none.

    Messages not due yet are kept aside and put back once, at the end, so a drain always
    ends; `deferred` lists them. Returns the totals.
    """
    total = BatchOutcome()
    while True:
        received, outcome = _receive_and_handle(wait_seconds=0, defer_later=True)
        if not received:
            break
        total.handled += outcome.handled
        total.failed += outcome.failed
        total.deferred += outcome.deferred
    if total.deferred:
        enqueue(total.deferred)
    return total


def worker_run_forever(*, stop: threading.Event) -> None:
    """Long-poll the queue and handle what arrives until `stop` is set; an error is logged and retried."""
    while not stop.is_set():
        try:
            _receive_and_handle(wait_seconds=settings.OUTBOUND_WAIT_SECONDS, defer_later=False)
        except Exception:
            logger.exception("Outbound worker: receiving failed; retrying in %ss", settings.OUTBOUND_WAIT_SECONDS)
            stop.wait(settings.OUTBOUND_WAIT_SECONDS)
