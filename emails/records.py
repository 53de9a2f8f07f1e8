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
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from pynamodb.exceptions import PutError, UpdateError

from bookstore.dynamodb.clock import now
from bookstore.dynamodb.conditions import is_condition_failure
from emails.models import PENDING, EmailRecord
from outbound.queue import enqueue
from outbound.registry import OutboundMessage

logger = logging.getLogger(__name__)

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
    try:
        record.update(actions=[EmailRecord.enqueued.set(True)], condition=EmailRecord.pk.exists())
    except UpdateError as exc:
        # Its message is on the queue; a replay would enqueue a duplicate, which the claim sends once.
        logger.warning("Email %s enqueued but not marked: %s", record.email_id, exc)


def emails_record(emails: list[EmailToSend]) -> int:
    """Record each email once and enqueue a message for each still to send; returns how many were enqueued.

    Raises if DynamoDB or SQS cannot take them now: the caller (a stream batch, a webhook
    worker) is retried, and this finds what it already recorded.
    """
    waiting: list[EmailRecord] = []
    seen: set[str] = set()
    for email in emails:
        if email.email_id in seen:  # the same event twice in one batch (the emulator's duplicated INSERT)
            continue
        seen.add(email.email_id)
        if (record := _record_once(email)) is not None:
            waiting.append(record)
    if not waiting:
        return 0
    enqueue(
        OutboundMessage(kind=EMAIL_MESSAGE_KIND, tenant_id=r.tenant_id, body={"email_id": r.email_id}) for r in waiting
    )
    for record in waiting:
        _mark_enqueued(record)
    return len(waiting)
