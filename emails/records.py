"""Recording emails to send, once each, and putting them on the outbound queue.

`emails_record` puts one `EmailRecord` per email with `attribute_not_exists`: a record that
exists already (a replayed stream batch, the emulator's duplicated INSERT, a notice asked
for twice) is not written again. Its message is enqueued again while the record is still
`pending`, because a crash may have come between the put and the enqueue; a message that
arrives twice is harmless, as the worker claims the send before sending
(`emails.sending`). A record already sent (or being sent) enqueues nothing.
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
from outbound.queue import enqueue
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


def _record_once(email: EmailToSend) -> bool:
    """Put the record unless it exists; True if it was written now, or exists and is still waiting to be sent."""
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
        return True
    except PutError as exc:
        if not is_condition_failure(exc):
            raise
    try:
        found = EmailRecord.get(record.pk, consistent_read=True)
    except EmailRecord.DoesNotExist:  # forgotten by its TTL between the put and the read: long done
        return False
    return found.status == PENDING


def emails_record(emails: list[EmailToSend]) -> int:
    """Record each email once and enqueue a message for each still to send; returns how many were enqueued.

    Raises if DynamoDB or SQS cannot take them now: the caller (a stream batch, a webhook
    worker) is retried, and this finds what it already recorded.
    """
    messages: dict[str, OutboundMessage] = {}
    seen: set[str] = set()
    for email in emails:
        if email.email_id in seen:  # the same event twice in one batch (the emulator's duplicated INSERT)
            continue
        seen.add(email.email_id)
        if _record_once(email):
            messages[email.email_id] = OutboundMessage(
                kind=EMAIL_MESSAGE_KIND, tenant_id=email.tenant_id, body={"email_id": email.email_id}
            )
    return enqueue(messages.values()) if messages else 0
