"""The Lambda entry point of the outbound queue's event source mapping (and of the local worker).

`handle(event, context)` takes the standard SQS event, calls each message's registered
handler (the batch's messages at once, one thread each), and returns
`{"batchItemFailures": [...]}` naming the messages that raised, so SQS hides only those
and delivers them again (the mapping has ReportBatchItemFailures). A
message that is not due yet (`not_before` later than now) is put back for the rest of its
wait instead of being handled. Each failure is logged with the kind, the tenant and the reason.
"""

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from bookstore import metrics
from outbound.queue import enqueue, is_due, message_decode
from outbound.registry import OutboundMessage, handler_for

logger = logging.getLogger(__name__)


@dataclass
class BatchOutcome:
    """What a batch came to: messages handled, put back for later, and failed (their ids)."""

    handled: int = 0
    deferred: list[OutboundMessage] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _handle_one(record: dict[str, Any]) -> tuple[str, OutboundMessage | None, bool]:
    """Handle one record: its message id, the message if it is not due yet, and whether it failed."""
    message_id, kind, tenant_id = record["messageId"], "unknown", None
    try:
        message = message_decode(record["body"])
        kind, tenant_id = message.kind, message.tenant_id
        if not is_due(message):
            return message_id, message, False
        handler = handler_for(message.kind)
        if handler is None:
            raise LookupError(f"no handler for outbound message kind {message.kind!r}")
        handler(message)
        metrics.emit(metrics.OUTBOUND_MESSAGES_HANDLED, dimensions={"Kind": kind}, tenant=tenant_id)
        return message_id, None, False
    except Exception as exc:
        logger.exception(
            "Outbound message failed: id=%s kind=%s tenant=%s reason=%s: %s",
            message_id,
            kind,
            tenant_id,
            type(exc).__name__,
            exc,
        )
        metrics.emit(metrics.OUTBOUND_MESSAGES_FAILED, dimensions={"Kind": kind}, tenant=tenant_id)
        return message_id, None, True


def handle_records(records: list[dict[str, Any]], *, defer_later: bool = False) -> BatchOutcome:
    """Handle Lambda-shaped SQS records at once, one thread each; with `defer_later`, return messages not due.

    The messages of a batch are independent (one delivery, one email each), and most of a
    message's time is waiting on a receiver or on SES. Handled one after another, a batch of 10
    receivers that never answer would take 10 times WEBHOOK_TIMEOUT_SECONDS, past the function's
    29 s; handled together, a batch takes as long as its slowest message.
    """
    outcome = BatchOutcome()
    if not records:
        return outcome
    with ThreadPoolExecutor(max_workers=len(records), thread_name_prefix="outbound") as pool:
        results = list(pool.map(_handle_one, records))
    for message_id, not_due, failed in results:
        if failed:
            outcome.failed.append(message_id)
        elif not_due is not None:
            outcome.deferred.append(not_due)
        else:
            outcome.handled += 1
    if outcome.deferred and not defer_later:
        enqueue(outcome.deferred)
    return outcome


def handle(event: dict[str, Any], context: Any = None) -> dict[str, list[dict[str, str]]]:
    """The Lambda handler: do each message's work, report the ones to deliver again."""
    outcome = handle_records(event.get("Records", []))
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in outcome.failed]}
