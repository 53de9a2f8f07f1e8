"""Email send records: one per email to send, its own exactly-once marker and the claim on its send."""

from pynamodb.attributes import BooleanAttribute, TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute

from bookstore.dynamodb.base import BaseModel, TableMeta, table_name
from bookstore.dynamodb.registry import register
from bookstore.dynamodb.tenant_fields import EXACT, PREFIX, TenantOwned

# An email's kind: which templates render it and whom it goes to.
ORDER_CONFIRMATION = "order_confirmation"
ORDER_CANCELLED = "order_cancelled"
ORDER_EXPIRED = "order_expired"
ENDPOINT_DISABLED = "endpoint_disabled"
EMAIL_KINDS = (ORDER_CONFIRMATION, ORDER_CANCELLED, ORDER_EXPIRED, ENDPOINT_DISABLED)

# A send's status: recorded and waiting for the worker, claimed by a worker that is sending it,
# sent (the backend accepted it), or skipped (nobody to send it to: the customer's account is gone).
PENDING = "pending"
SENDING = "sending"
SENT = "sent"
SKIPPED = "skipped"
STATUSES = (PENDING, SENDING, SENT, SKIPPED)


@register
class EmailRecord(BaseModel):
    """One email to send, recorded once, sent once.

    PK `{tenant}#{email_id}`: `email_id` derives from what the email is about (an order's
    event id; an endpoint, its disabling and one admin), so the stream handler's put with
    `attribute_not_exists` finds the first record when a batch is replayed, and one GetItem
    or conditional UpdateItem addresses it. No index: nothing lists these records.

    `enqueued` says its outbound message was sent: put false, set once the message is on the
    queue, so a stream batch replayed after a crash between the two enqueues it then, and a
    replay after that enqueues nothing.

    `context` is the JSON the templates render (the order as the event saw it), frozen when
    the event happened. `user_id` is the recipient, whose address and language are read at
    send time. The worker claims the send (`status` pending → sending, with `claim` and
    `claimed_at`) before sending and marks it sent after; a claim older than
    EMAIL_SEND_CLAIM_SECONDS is a dead worker's and is taken over. The TTL forgets a record
    after EMAIL_RECORD_TTL_DAYS, longer than the queue keeps a message.
    """

    class Meta(TableMeta):
        table_name = table_name("email_records")

    TENANCY = TenantOwned(pk=PREFIX, tenant_id=EXACT)

    pk = UnicodeAttribute(hash_key=True)
    tenant_id = UnicodeAttribute()
    email_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    user_id = UnicodeAttribute()
    context = UnicodeAttribute()
    status = UnicodeAttribute(default=PENDING)
    enqueued = BooleanAttribute(default=False)
    claim = UnicodeAttribute(null=True)
    claimed_at = UTCDateTimeAttribute(null=True)
    sent_at = UTCDateTimeAttribute(null=True)
    message_id = UnicodeAttribute(null=True)
    expires_at = TTLAttribute(null=True)

    @staticmethod
    def key(tenant_id: str, email_id: str) -> str:
        return f"{tenant_id}#{email_id}"
