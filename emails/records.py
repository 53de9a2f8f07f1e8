"""Recording emails to send, once each, and putting them on the outbound queue.

`emails_record` puts one `EmailRecord` per email with `attribute_not_exists`: a record that
exists already (a replayed stream batch, the emulator's duplicated INSERT, a notice asked
for twice) is not written again. The record carries `enqueued`, set once its message is on
the queue: a replay enqueues only a record still pending and not enqueued (a crash came
between the put and the enqueue), so nothing is enqueued twice. Should a message still
arrive twice (the crash between the enqueue and the mark), the worker's claim
(`emails.sending`) sends it once.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from pynamodb.exceptions import PutError

from bookstore.dynamodb.clock import now
from bookstore.dynamodb.conditions import is_condition_failure
from emails.models import PENDING, EmailRecord
from outbound.queue import at_once, enqueue_and_mark
from outbound.registry import OutboundMessage

# The outbound message kind of an email: its body names the record (`email_id`).
EMAIL_MESSAGE_KIND = "email"


@dataclass(frozen=True)
class EmailToSend:
    """One email to record: which one (`email_id`), its kind, its recipient, and what its templates show."""

    tenant_id: str
    email_id: str
    kind: str
    user_id: str
    context: dict[str, Any]


def email_id_for(*parts: str) -> str:
    """`eml_` and 24 hex digits of a hash of what the email is about: the same email, the same id."""
    digest = hashlib.sha256("#".join(parts).encode()).hexdigest()
    return f"eml_{digest[:24]}"


def _record_once(email: EmailToSend) -> EmailRecord | None:
    """Put the record unless it exists; the record if it needs its message (new, or never enqueued), else None."""
    record = EmailRecord(
        EmailRecord.key(email.tenant_id, email.email_id),
        tenant_id=email.tenant_id,
        email_id=email.email_id,
        kind=email.kind,
        user_id=email.user_id,
        context=json.dumps(email.context, sort_keys=True, default=str),
        status=PENDING,
        created_at=now(),
        expires_at=now() + timedelta(days=settings.EMAIL_RECORD_TTL_DAYS),
    )
    try:
        record.save(condition=EmailRecord.pk.does_not_exist())
        return record
    except PutError as exc:
        if not is_condition_failure(exc):
            raise
    try:
        found = EmailRecord.get(record.pk, consistent_read=True)
    except EmailRecord.DoesNotExist:  # forgotten by its TTL between the put and the read: long done
        return None
    return found if found.status == PENDING and not found.enqueued else None


def _mark_enqueued(record: EmailRecord) -> None:
    record.update(actions=[EmailRecord.enqueued.set(True)], condition=EmailRecord.pk.exists())


def _message(record: EmailRecord) -> OutboundMessage:
    return OutboundMessage(kind=EMAIL_MESSAGE_KIND, tenant_id=record.tenant_id, body={"email_id": record.email_id})


def emails_record(emails: list[EmailToSend]) -> int:
    """Record each email once and enqueue a message for each still to send; returns how many were enqueued.

    The records are put WRITE_CONCURRENCY at a time (`outbound.queue.at_once`), as webhook deliveries are.

    Raises if DynamoDB or SQS cannot take them now: the caller (a stream batch, a webhook
    worker) is retried, and this finds what it already recorded.
    """
    # Each email once, though an event may come twice in one batch (the emulator's duplicated INSERT).
    unique = list({email.email_id: email for email in emails}.values())
    waiting = [record for record in at_once(_record_once, unique) if record is not None]
    enqueue_and_mark(waiting, message=_message, mark=_mark_enqueued)
    return len(waiting)
