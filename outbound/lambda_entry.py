"""The Lambda entry point of the outbound queue's event source mapping (and of the local worker).

`handle(event, context)` takes the standard SQS event, calls each message's registered
handler, and returns `{"batchItemFailures": [...]}` naming the messages that raised, so SQS
hides only those and delivers them again (the mapping has ReportBatchItemFailures). A
message that is not due yet (`not_before` later than now) is put back for the rest of its
wait instead of being handled. Each failure is logged with the kind, the tenant and the reason.
"""

import logging
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


def handle_records(records: list[dict[str, Any]], *, defer_later: bool = False) -> BatchOutcome:
    """Handle Lambda-shaped SQS records; with `defer_later`, return messages not due instead of enqueueing them."""
    outcome = BatchOutcome()
    for record in records:
        message_id, kind, tenant_id = record["messageId"], "unknown", None
        try:
            message = message_decode(record["body"])
            kind, tenant_id = message.kind, message.tenant_id
            if not is_due(message):
                outcome.deferred.append(message)
                continue
            handler = handler_for(message.kind)
            if handler is None:
                raise LookupError(f"no handler for outbound message kind {message.kind!r}")
            handler(message)
            outcome.handled += 1
            metrics.emit(metrics.OUTBOUND_MESSAGES_HANDLED, dimensions={"Kind": message.kind}, tenant=message.tenant_id)
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
            outcome.failed.append(message_id)
    if outcome.deferred and not defer_later:
        enqueue(outcome.deferred)
    return outcome


def handle(event: dict[str, Any], context: Any = None) -> dict[str, list[dict[str, str]]]:
    """The Lambda handler: do each message's work, report the ones to deliver again."""
    outcome = handle_records(event.get("Records", []))
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in outcome.failed]}
