"""The outbound handler of emails: claim the send, render, send, mark it sent.

A message names one `EmailRecord`. The worker first claims the send with one conditional
UpdateItem (`pending` → `sending`, with a claim token), so a message delivered twice, or a
stream batch that enqueued it twice, sends once: the second finds it `sent` and returns.
Anything that fails before the backend accepts the message (the user cannot be read, a
template error, SES refusing) releases the claim (`sending` → `pending`) and raises, so the
queue delivers the message again. After the backend accepted it, the record is marked
`sent` (conditioned on the claim).

The one window left: the worker dies (or DynamoDB refuses the mark) after the backend
accepted the message and before the mark. The record then stays `sending`; a later
delivery of its message takes over a claim older than EMAIL_SEND_CLAIM_SECONDS and sends
it again. A send whose answer is lost (SES accepted, the connection dropped) is the same
window. Both are at most one duplicate email, never a lost one.
"""

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from pynamodb.exceptions import UpdateError

from accounts.errors import AccountsError
from accounts.selectors import user_get
from bookstore.dynamodb.clock import now
from bookstore.dynamodb.conditions import is_condition_failure
from bookstore.errors import ApplicationError
from bookstore.tenants import tenant_get
from emails.models import PENDING, SENDING, SENT, SKIPPED, EmailRecord
from emails.records import EMAIL_MESSAGE_KIND
from emails.rendering import email_message
from outbound.registry import OutboundMessage, message_handler

logger = logging.getLogger(__name__)


class EmailBeingSent(RuntimeError):
    """Another worker holds a fresh claim on this send: the queue delivers the message again later."""


def _claim(*, tenant_id: str, email_id: str) -> tuple[EmailRecord, str] | None:
    """Claim the send; the record and the claim token, or None if there is nothing to send (done, or forgotten)."""
    token = uuid.uuid4().hex
    record = EmailRecord(EmailRecord.key(tenant_id, email_id))
    stale = now() - timedelta(seconds=settings.EMAIL_SEND_CLAIM_SECONDS)
    try:
        record.update(
            actions=[EmailRecord.status.set(SENDING), EmailRecord.claim.set(token), EmailRecord.claimed_at.set(now())],
            condition=(EmailRecord.status == PENDING)
            | ((EmailRecord.status == SENDING) & (EmailRecord.claimed_at < stale)),
        )
    except UpdateError as exc:
        if not is_condition_failure(exc):
            raise
        try:
            found = EmailRecord.get(record.pk, consistent_read=True)
        except EmailRecord.DoesNotExist:
            logger.warning("Email %s of tenant %s: no record (expired); nothing to send", email_id, tenant_id)
            return None
        if found.status == SENDING:
            raise EmailBeingSent(f"email {email_id} is being sent by another worker") from exc
        return None  # sent or skipped already: a duplicate message
    return record, token


def _settle(record: EmailRecord, token: str, *, status: str, message_id: str | None = None) -> None:
    """Move a claimed record on (sent, skipped, or back to pending), if the claim is still ours."""
    actions = [EmailRecord.status.set(status), EmailRecord.updated_at.set(now())]
    if status == PENDING:
        actions += [EmailRecord.claim.remove(), EmailRecord.claimed_at.remove()]
    if status == SENT:
        actions.append(EmailRecord.sent_at.set(now()))
        if message_id:
            actions.append(EmailRecord.message_id.set(message_id))
    record.update(actions=actions, condition=EmailRecord.claim == token)


def email_send(*, tenant_id: str, email_id: str) -> str:
    """Send one recorded email, at most once while its record holds; returns what became of it.

    Round trips: one conditional UpdateItem (the claim), one Query (the recipient), one
    GetItem (the tenant), the send, one conditional UpdateItem (the mark).
    """
    claimed = _claim(tenant_id=tenant_id, email_id=email_id)
    if claimed is None:
        return "duplicate"
    record, token = claimed
    try:
        tenant = tenant_get(tenant_id=tenant_id)
        try:
            user = user_get(tenant_id=tenant_id, user_id=record.user_id)
        except ApplicationError as exc:
            if exc.code is not AccountsError.USER_NOT_FOUND:
                raise
            user = None
        if tenant is None or user is None:
            _settle(record, token, status=SKIPPED)
            logger.warning("Email %s of tenant %s skipped: its tenant or recipient is gone", email_id, tenant_id)
            return SKIPPED
        message = email_message(record=record, user=user, tenant=tenant)
        get_connection().send_messages([message])
    except Exception:
        _settle(record, token, status=PENDING)
        raise
    try:
        _settle(record, token, status=SENT, message_id=getattr(message, "sent_message_id", None))
    except Exception:
        # Sent, not marked: raising would send it again on redelivery. The claim expires instead (module docstring).
        logger.exception("Email %s of tenant %s was sent but not marked sent", email_id, tenant_id)
    return SENT


@message_handler(EMAIL_MESSAGE_KIND)
def send_email(message: OutboundMessage) -> None:
    """The outbound queue's handler of `email` messages."""
    email_send(tenant_id=message.tenant_id, email_id=str(message.body["email_id"]))
