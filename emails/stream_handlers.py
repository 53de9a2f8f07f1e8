"""The emails stream handler: purchases → one email record per (order, event), and a message to send it.

The handler only records and enqueues; the outbound worker sends (`emails.sending`), so a
slow or failing mail service never holds a purchases shard. A record that cannot be read as
an order fails alone. A batch whose emails cannot be recorded or enqueued (DynamoDB or SQS
unavailable) fails as a whole, transiently: its retry finds the records it wrote by their
keys and sends nothing twice.
"""

from streams.registry import INSERT, MODIFY, RecordFailure, StreamRecord, stream_handler


@stream_handler("purchases", events={INSERT, MODIFY})
def record_order_emails(records: list[StreamRecord]) -> list[RecordFailure]:
    """Record the confirmation, cancellation and expiry emails of a batch of purchase changes, once each."""
    from botocore.exceptions import BotoCoreError, ClientError
    from pynamodb.exceptions import PynamoDBException

    from emails.order_emails import order_emails
    from emails.records import emails_record
    from outbound.queue import EnqueueError

    emails, failures, read = [], [], []
    for record in records:
        try:
            emails.extend(order_emails(event_name=record.event_name, new=record.new_image, old=record.old_image))
            read.append(record)
        except (KeyError, TypeError, ValueError) as exc:
            failures.append(RecordFailure(record=record, reason=f"order emails: {type(exc).__name__}: {exc}"))
    if emails:
        try:
            emails_record(emails)
        except Exception as exc:
            reason = f"order emails: {type(exc).__name__}: {exc}"
            transient = isinstance(exc, (EnqueueError, PynamoDBException, BotoCoreError, ClientError))
            failures.extend(RecordFailure(record=record, reason=reason, transient=transient) for record in read)
    return failures
