"""Webhook endpoints (per tenant) and their deliveries (per endpoint, one per event, with its attempts).

An endpoint subscribes a URL to event types. A delivery is one event for one endpoint: the
purchases and books stream handlers record it, the outbound worker sends it. The delivery
item is its own exactly-once marker: its key derives from (event id, endpoint id), and it
is put with `attribute_not_exists`, so a replayed stream batch records nothing twice.
"""

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, LocalSecondaryIndex

from bookstore.dynamodb.base import BaseModel, TableMeta, table_name
from bookstore.dynamodb.registry import register
from bookstore.dynamodb.tenant_fields import EXACT, PREFIX, TenantOwned

ENDPOINT_PREFIX = "WEBHOOK#"
DELIVERY_PREFIX = "DELIVERY#"

# A delivery's status: waiting for its next attempt, answered 2xx, or given up on.
PENDING = "pending"
SUCCEEDED = "succeeded"
FAILED = "failed"
DELIVERY_STATUSES = (PENDING, SUCCEEDED, FAILED)


@register
class WebhookEndpoint(BaseModel):
    """A URL a tenant admin subscribed to some event types.

    PK `{tenant}`, SK `WEBHOOK#{endpoint_id}`: one Query lists a tenant's endpoints (the
    stream handlers read them once per tenant per batch), one GetItem reads one. `secret`
    signs every delivery; it is shown once, when the endpoint is created or its secret is
    rotated. During a rotation `previous_secret` also signs, until `previous_secret_until`.
    `consecutive_failures` counts deliveries given up on since the last success; at
    WEBHOOK_DISABLE_AFTER the endpoint is made inactive, with `disabled_at` and `disabled_reason`.
    """

    class Meta(TableMeta):
        table_name = table_name("webhook_endpoints")

    TENANCY = TenantOwned(pk=EXACT, tenant_id=EXACT, without_tenant=("sk",))

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    tenant_id = UnicodeAttribute()
    endpoint_id = UnicodeAttribute()
    url = UnicodeAttribute()
    events = ListAttribute(of=UnicodeAttribute)
    description = UnicodeAttribute(null=True)
    active = BooleanAttribute(default=True)
    secret = UnicodeAttribute()
    previous_secret = UnicodeAttribute(null=True)
    previous_secret_until = UTCDateTimeAttribute(null=True)
    consecutive_failures = NumberAttribute(default=0)
    disabled_at = UTCDateTimeAttribute(null=True)
    disabled_reason = UnicodeAttribute(null=True)

    @staticmethod
    def sort_key(endpoint_id: str) -> str:
        return f"{ENDPOINT_PREFIX}{endpoint_id}"


class DeliveryAttempt(MapAttribute):
    """One try: when, the HTTP status (none if no answer), how long it took, and the error's first 500 characters."""

    at = UTCDateTimeAttribute()
    status_code = NumberAttribute(null=True)
    latency_ms = NumberAttribute()
    error = UnicodeAttribute(null=True)


class DeliveriesByDate(LocalSecondaryIndex):
    """LSI `created-index`: an endpoint's deliveries by `created_at` (the log, newest first)."""

    class Meta:
        index_name = "created-index"
        projection = AllProjection()

    pk = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


@register
class WebhookDelivery(BaseModel):
    """One event for one endpoint, its frozen payload, and every attempt to send it.

    PK `{tenant}#{endpoint_id}`, SK `DELIVERY#{delivery_id}`: `delivery_id` derives from the
    event id and the endpoint id, so recording it twice finds the first (the marker). LSI
    `created-index` lists an endpoint's log newest first. `payload` is the exact body sent
    (and signed), fixed when the event happened. `enqueued` says the outbound message was
    sent: a stream batch replayed after a crash between the put and the enqueue enqueues
    it then. `attempt_count` is what a worker claims (a conditional update) before it sends,
    so a message delivered twice sends once. `attempts` keeps the latest attempts.
    The TTL forgets a delivery after WEBHOOK_DELIVERY_TTL_DAYS.
    """

    class Meta(TableMeta):
        table_name = table_name("webhook_deliveries")

    TENANCY = TenantOwned(pk=PREFIX, tenant_id=EXACT, without_tenant=("sk", "created_at"))

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    tenant_id = UnicodeAttribute()
    endpoint_id = UnicodeAttribute()
    delivery_id = UnicodeAttribute()
    event_id = UnicodeAttribute()
    event_type = UnicodeAttribute()
    payload = UnicodeAttribute()
    status = UnicodeAttribute(default=PENDING)
    enqueued = BooleanAttribute(default=False)
    attempt_count = NumberAttribute(default=0)
    attempts = ListAttribute(of=DeliveryAttempt, default=list)
    next_attempt_at = UTCDateTimeAttribute(null=True)
    expires_at = TTLAttribute(null=True)

    by_date = DeliveriesByDate()

    @staticmethod
    def key(tenant_id: str, endpoint_id: str) -> str:
        return f"{tenant_id}#{endpoint_id}"

    @staticmethod
    def sort_key(delivery_id: str) -> str:
        return f"{DELIVERY_PREFIX}{delivery_id}"
