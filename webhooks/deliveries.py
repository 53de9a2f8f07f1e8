"""Deliveries: recorded once per (event, endpoint) from the streams, sent by the outbound worker, retried, given up on.

Recording (the stream handlers, `deliveries_from_records`): for each event, one delivery per
active endpoint of the event's tenant that subscribed to its type. The endpoints are read
with one Query per tenant per batch. A delivery is put with `attribute_not_exists` (its id
derives from the event id and the endpoint id, so it is its own marker) and `enqueued`
false; then one `webhook_delivery` message per delivery goes on the outbound queue, and
`enqueued` is set. A batch replayed after a crash finds its deliveries: those not enqueued
yet are enqueued then, the others are left alone. Nothing on this path waits on a receiver.

Sending (the outbound worker, `delivery_attempt`): a message names (tenant, endpoint,
delivery). Nothing happens unless the delivery is pending and its endpoint exists and is
active. The attempt is claimed first, with a conditional update of `attempt_count` (and a
short lease in `next_attempt_at`), so a message delivered twice sends once. A 2xx ends the
delivery `succeeded` and resets the endpoint's `consecutive_failures`. Anything else is
retried after an exponential backoff with full jitter, until WEBHOOK_RETRY_HOURS after the
delivery was recorded; then it is `failed` and the endpoint's `consecutive_failures` goes up
by one, in one transaction. At WEBHOOK_DISABLE_AFTER the endpoint is disabled and its admins
are emailed (`endpoint_failures_settle`), and again whenever a failed delivery's message
comes back, so a worker that died half-way is finished by the next.

A retry's message (with `not_before`) is enqueued before `next_attempt_at` is recorded, so
every future `next_attempt_at` has its message on the queue; a message that arrives before
the delivery is due is therefore a duplicate, and is dropped rather than enqueued again
(which would keep a second chain of messages alive). A claim's lease is shorter than the
queue's visibility timeout: if the worker dies mid-send, its message comes back after the
lease has run out, and claims the attempt again.
"""

import hashlib
import logging
import random
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.conf import settings
from pynamodb.exceptions import PutError, UpdateError

from bookstore.dynamodb.clock import now
from bookstore.dynamodb.conditions import is_condition_failure
from bookstore.dynamodb.transactions import LabelledTransaction, failed_condition
from emails.notices import endpoint_disabled_notify
from outbound.queue import at_once, enqueue, enqueue_and_mark
from outbound.registry import OutboundMessage
from streams.registry import RecordFailure, StreamRecord
from webhooks.events import WebhookEvent
from webhooks.models import (
    ENDPOINT_PREFIX,
    FAILED,
    PENDING,
    SUCCEEDED,
    DeliveryAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from webhooks.sending import SendOutcome, post
from webhooks.signing import signature_header, signing_secrets

logger = logging.getLogger(__name__)

MESSAGE_KIND = "webhook_delivery"
ATTEMPTS_KEPT = 50  # the log keeps the latest attempts; an item stays far below DynamoDB's 400 KB
CLAIM_LEASE_MARGIN_SECONDS = 30  # a claim's lease: the send's timeout plus this, well inside the visibility timeout
DISABLED_REASON = "consecutive_failures"


def delivery_id_for(event_id: str, endpoint_id: str) -> str:
    """`dlv_` and 24 hex digits of a hash of (event, endpoint): recording it twice finds the first."""
    return "dlv_" + hashlib.sha256(f"{event_id}#{endpoint_id}".encode()).hexdigest()[:24]


def delivery_message(delivery: WebhookDelivery, *, not_before: datetime | None = None) -> OutboundMessage:
    """The outbound message that sends `delivery` (hookapi's redelivery enqueues the same)."""
    return OutboundMessage(
        kind=MESSAGE_KIND,
        tenant_id=delivery.tenant_id,
        body={"endpoint_id": delivery.endpoint_id, "delivery_id": delivery.delivery_id},
        not_before=not_before,
    )


def tenant_endpoints(*, tenant_id: str) -> list[WebhookEndpoint]:
    """Every endpoint of the tenant: one Query (pages followed)."""
    return list(WebhookEndpoint.query(tenant_id, WebhookEndpoint.sk.startswith(ENDPOINT_PREFIX)))


def is_subscribed(endpoint: WebhookEndpoint, event_type: str) -> bool:
    return bool(endpoint.active) and event_type in (endpoint.events or [])


# --- Recording, from the streams -------------------------------------------------------------


def delivery_record(*, event: WebhookEvent, endpoint: WebhookEndpoint) -> WebhookDelivery | None:
    """Put the delivery of `event` to `endpoint` unless it exists; the delivery if it still needs its message."""
    at = now()
    delivery_id = delivery_id_for(event.event_id, endpoint.endpoint_id)
    delivery = WebhookDelivery(
        WebhookDelivery.key(event.tenant_id, endpoint.endpoint_id),
        WebhookDelivery.sort_key(delivery_id),
        tenant_id=event.tenant_id,
        endpoint_id=endpoint.endpoint_id,
        delivery_id=delivery_id,
        event_id=event.event_id,
        event_type=event.event_type,
        payload=event.payload,
        status=PENDING,
        enqueued=False,
        attempt_count=0,
        attempts=[],
        created_at=at,
        expires_at=at + timedelta(days=settings.WEBHOOK_DELIVERY_TTL_DAYS),
    )
    try:
        delivery.save(condition=WebhookDelivery.pk.does_not_exist())
    except PutError as exc:
        if not is_condition_failure(exc):
            raise
        found = WebhookDelivery.get(delivery.pk, delivery.sk, consistent_read=True)
        # Recorded by an earlier run of this batch: enqueue it only if that run stopped before it could.
        return found if found.status == PENDING and not found.enqueued else None
    return delivery


def _mark_enqueued(delivery: WebhookDelivery) -> None:
    delivery.update(actions=[WebhookDelivery.enqueued.set(True)], condition=WebhookDelivery.pk.exists())


def deliveries_enqueue(deliveries: list[WebhookDelivery]) -> None:
    """One message per delivery (10 per SendMessageBatch), then each delivery marked `enqueued`."""
    enqueue_and_mark(deliveries, message=delivery_message, mark=_mark_enqueued)


def _record_one(job: tuple[int, WebhookEvent, WebhookEndpoint]) -> tuple[int, WebhookDelivery | None, str]:
    """Record one delivery: its record's index, the delivery if it needs its message, and an error if it failed."""
    index, event, endpoint = job
    try:
        return index, delivery_record(event=event, endpoint=endpoint), ""
    except Exception as exc:
        return index, None, f"webhook deliveries: {type(exc).__name__}: {exc}"


def deliveries_from_records(
    records: list[StreamRecord], events_of: Callable[[StreamRecord], Iterable[WebhookEvent]]
) -> list[RecordFailure]:
    """Record and enqueue the deliveries of a batch's events; the records that failed (the first and all after it).

    The batch's deliveries are put WRITE_CONCURRENCY at a time: each is one conditional
    PutItem, independent of the others, and a batch of 100 orders to 3 endpoints is 600 of
    them, which one after another would add seconds to the shard's lag. The messages of the
    whole batch go out together. If a put or the queue fails, every record from the first
    affected one fails, and its replay enqueues what the markers say was not enqueued.
    """
    endpoints: dict[str, list[WebhookEndpoint]] = {}
    jobs: list[tuple[int, WebhookEvent, WebhookEndpoint]] = []
    failed_from, reason = len(records), ""
    for index, record in enumerate(records):
        try:
            for event in events_of(record):
                if event.tenant_id not in endpoints:
                    endpoints[event.tenant_id] = tenant_endpoints(tenant_id=event.tenant_id)
                jobs += [(index, event, e) for e in endpoints[event.tenant_id] if is_subscribed(e, event.event_type)]
        except Exception as exc:
            failed_from, reason = index, f"webhook deliveries: {type(exc).__name__}: {exc}"
            break
    recorded = at_once(_record_one, [job for job in jobs if job[0] < failed_from])
    for index, _delivery, error in recorded:
        if error and index < failed_from:
            failed_from, reason = index, error
    waiting = [(index, delivery) for index, delivery, _ in recorded if delivery is not None and index < failed_from]
    try:
        deliveries_enqueue([delivery for _, delivery in waiting])
    except Exception as exc:
        failed_from, reason = min(failed_from, waiting[0][0]), f"webhook messages: {type(exc).__name__}: {exc}"
    return [RecordFailure(record=r, reason=reason) for r in records[failed_from:]]


# --- Sending, from the outbound worker -------------------------------------------------------


def backoff_bound(failures: int) -> timedelta:
    """The longest wait after `failures` failed attempts: base * 2^(failures - 1), capped."""
    seconds = settings.WEBHOOK_BACKOFF_BASE_SECONDS * 2 ** min(max(failures - 1, 0), 32)
    return timedelta(seconds=min(seconds, settings.WEBHOOK_BACKOFF_MAX_SECONDS))


def retry_delay(failures: int) -> timedelta:
    """Full jitter: a random wait between zero and the bound, so receivers that failed together retry apart."""
    return timedelta(seconds=random.uniform(0, backoff_bound(failures).total_seconds()))


def retry_deadline(delivery: WebhookDelivery) -> datetime:
    """The last moment an attempt of `delivery` may be scheduled for."""
    return delivery.created_at + timedelta(hours=settings.WEBHOOK_RETRY_HOURS)


def delivery_headers(*, delivery: WebhookDelivery, endpoint: WebhookEndpoint, body: bytes, at: datetime) -> dict:
    """The event's headers and its signature, by every secret that signs at `at`."""
    secrets = signing_secrets(
        secret=endpoint.secret,
        previous_secret=endpoint.previous_secret,
        previous_until=endpoint.previous_secret_until,
        at=at,
    )
    return {
        "Bookstore-Event-Id": delivery.event_id,
        "Bookstore-Event-Type": delivery.event_type,
        "Bookstore-Delivery-Id": delivery.delivery_id,
        "Bookstore-Signature": signature_header(secrets=secrets, timestamp=int(at.timestamp()), body=body),
    }


def delivery_claim(delivery: WebhookDelivery, at: datetime) -> bool:
    """Take the next attempt of `delivery`; False if another worker took it (or it is not due)."""
    count = int(delivery.attempt_count or 0)
    lease = at + timedelta(seconds=float(settings.WEBHOOK_TIMEOUT_SECONDS) * 2 + CLAIM_LEASE_MARGIN_SECONDS)
    due = WebhookDelivery.next_attempt_at.does_not_exist() | (WebhookDelivery.next_attempt_at <= at)
    try:
        delivery.update(
            actions=[WebhookDelivery.attempt_count.set(count + 1), WebhookDelivery.next_attempt_at.set(lease)],
            condition=(WebhookDelivery.status == PENDING) & (WebhookDelivery.attempt_count == count) & due,
        )
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def _outcome_actions(
    delivery: WebhookDelivery, *, at: datetime, outcome: SendOutcome, status: str, next_at: datetime | None
) -> list:
    """The update that writes an attempt's outcome into the delivery's log and moves its status."""
    attempt = DeliveryAttempt(
        at=at, status_code=outcome.status_code, latency_ms=outcome.latency_ms, error=outcome.error
    )
    attempts = [*(delivery.attempts or []), attempt][-ATTEMPTS_KEPT:]
    return [
        WebhookDelivery.attempts.set(attempts),
        WebhookDelivery.status.set(status),
        WebhookDelivery.updated_at.set(now()),
        WebhookDelivery.next_attempt_at.set(next_at) if next_at else WebhookDelivery.next_attempt_at.remove(),
    ]


def _still_ours(delivery: WebhookDelivery):
    """The condition of writing an attempt's outcome: nobody claimed a later attempt meanwhile."""
    return WebhookDelivery.attempt_count == delivery.attempt_count


def _not_recorded(delivery: WebhookDelivery) -> None:
    logger.warning("Webhook delivery %s: outcome not recorded, claimed again meanwhile", delivery.delivery_id)


def _record(delivery: WebhookDelivery, *, at: datetime, outcome: SendOutcome, status: str, next_at: datetime | None):
    """Write the attempt's outcome, if the attempt is still ours (its `attempt_count`)."""
    actions = _outcome_actions(delivery, at=at, outcome=outcome, status=status, next_at=next_at)
    try:
        delivery.update(actions=actions, condition=_still_ours(delivery))
    except UpdateError as exc:
        if not is_condition_failure(exc):
            raise
        _not_recorded(delivery)


class _AttemptTaken(Exception):
    """A later attempt of the delivery was claimed meanwhile: this one's outcome is not written."""


class _EndpointGone(Exception):
    """The endpoint was deleted meanwhile: there is no count to move."""


def _give_up(delivery: WebhookDelivery, endpoint: WebhookEndpoint, *, at: datetime, outcome: SendOutcome) -> None:
    """End the delivery `failed` and count it on its endpoint, in one transaction (2 write units each).

    Together, so that no crash leaves a failed delivery uncounted; then the endpoint is
    settled (`endpoint_failures_settle`), which a message that comes back does again.
    """
    tx = LabelledTransaction()
    tx.update(
        "delivery",
        delivery,
        actions=_outcome_actions(delivery, at=at, outcome=outcome, status=FAILED, next_at=None),
        condition=_still_ours(delivery),
    )
    tx.update(
        "endpoint",
        endpoint,
        actions=[WebhookEndpoint.consecutive_failures.add(1)],
        condition=WebhookEndpoint.pk.exists(),
    )

    def explain(failures):
        if failed_condition(failures, "delivery"):
            return _AttemptTaken()
        return _EndpointGone() if failed_condition(failures, "endpoint") else None

    try:
        tx.commit(on_cancel=explain)
    except _AttemptTaken:
        _not_recorded(delivery)
        return
    except _EndpointGone:
        _record(delivery, at=at, outcome=outcome, status=FAILED, next_at=None)  # deleted meanwhile: nothing to count
        return
    counted = _endpoint_read(endpoint.tenant_id, endpoint.endpoint_id)  # the count as it is now
    if counted is not None:
        endpoint_failures_settle(endpoint=counted)


def endpoint_disable(*, tenant_id: str, endpoint_id: str, reason: str, failures: int) -> WebhookEndpoint | None:
    """Make the endpoint inactive, with when and why; the endpoint as stored if this call disabled it, else None.

    The one place an endpoint is disabled: the condition on `active` lets one caller through.
    """
    at = now()
    endpoint = WebhookEndpoint(tenant_id, WebhookEndpoint.sort_key(endpoint_id))
    try:
        endpoint.update(
            actions=[
                WebhookEndpoint.active.set(False),
                WebhookEndpoint.disabled_at.set(at),
                WebhookEndpoint.disabled_reason.set(reason),
                WebhookEndpoint.updated_at.set(at),
            ],
            condition=WebhookEndpoint.pk.exists() & (WebhookEndpoint.active == True),  # noqa: E712
        )
    except UpdateError as exc:
        if is_condition_failure(exc):
            return None
        raise
    logger.warning("Webhook endpoint %s of %s disabled after %s failed deliveries", endpoint_id, tenant_id, failures)
    return endpoint


def endpoint_failures_settle(*, endpoint: WebhookEndpoint) -> None:
    """Disable the endpoint at WEBHOOK_DISABLE_AFTER failures in a row, and email its admins the notice.

    `endpoint` is as stored now (a consistent read). Safe to repeat, and repeated whenever a
    failed delivery's message comes back (its worker may have died half-way): the disabling is
    conditional, and the notice is keyed on the stored `disabled_at`, so each admin gets it once
    per disabling. An active endpoint below the threshold costs nothing more.
    """
    failures = int(endpoint.consecutive_failures or 0)
    if endpoint.active and failures >= settings.WEBHOOK_DISABLE_AFTER:
        endpoint = endpoint_disable(
            tenant_id=endpoint.tenant_id, endpoint_id=endpoint.endpoint_id, reason=DISABLED_REASON, failures=failures
        ) or _endpoint_read(endpoint.tenant_id, endpoint.endpoint_id)
    if endpoint is not None and not endpoint.active and endpoint.disabled_reason == DISABLED_REASON:
        endpoint_disabled_notify(
            tenant_id=endpoint.tenant_id,
            endpoint_id=endpoint.endpoint_id,
            url=endpoint.url,
            failures=int(endpoint.consecutive_failures or 0),
            disabled_at=endpoint.disabled_at,
        )


def _endpoint_read(tenant_id: str, endpoint_id: str) -> WebhookEndpoint | None:
    try:
        return WebhookEndpoint.get(tenant_id, WebhookEndpoint.sort_key(endpoint_id), consistent_read=True)
    except WebhookEndpoint.DoesNotExist:
        return None


def _endpoint_succeeded(endpoint: WebhookEndpoint) -> None:
    if int(endpoint.consecutive_failures or 0) == 0:
        return  # the common case costs no write
    try:
        endpoint.update(actions=[WebhookEndpoint.consecutive_failures.set(0)], condition=WebhookEndpoint.pk.exists())
    except UpdateError as exc:
        if not is_condition_failure(exc):
            raise


def delivery_attempt(*, tenant_id: str, endpoint_id: str, delivery_id: str) -> SendOutcome | None:
    """Send one attempt of the delivery if it is due and still wanted; what came of it (None: nothing sent)."""
    try:
        delivery = WebhookDelivery.get(
            WebhookDelivery.key(tenant_id, endpoint_id), WebhookDelivery.sort_key(delivery_id), consistent_read=True
        )
        endpoint = WebhookEndpoint.get(tenant_id, WebhookEndpoint.sort_key(endpoint_id), consistent_read=True)
    except (WebhookDelivery.DoesNotExist, WebhookEndpoint.DoesNotExist):
        return None  # forgotten (TTL) or the endpoint deleted: nothing to send
    if delivery.status == FAILED:
        endpoint_failures_settle(endpoint=endpoint)  # the message came back: its worker may have died after giving up
        return None
    if delivery.status != PENDING or not endpoint.active:
        return None  # done, or the endpoint is disabled: a pending one stays pending until redelivered
    at = now()
    if delivery.next_attempt_at is not None and delivery.next_attempt_at > at:
        return None  # not due: the message for that time is already queued (see the module docstring)
    if not delivery_claim(delivery, at):
        return None
    body = delivery.payload.encode()
    headers = delivery_headers(delivery=delivery, endpoint=endpoint, body=body, at=at)
    outcome = post(url=endpoint.url, body=body, headers=headers)
    if outcome.succeeded:
        _record(delivery, at=at, outcome=outcome, status=SUCCEEDED, next_at=None)
        _endpoint_succeeded(endpoint)
        return outcome
    next_at = now() + retry_delay(int(delivery.attempt_count))
    if next_at > retry_deadline(delivery):
        _give_up(delivery, endpoint, at=at, outcome=outcome)
        return outcome
    enqueue([delivery_message(delivery, not_before=next_at)])  # before it is recorded: see the module docstring
    _record(delivery, at=at, outcome=outcome, status=PENDING, next_at=next_at)
    return outcome


def delivery_requeue(*, delivery: WebhookDelivery) -> None:
    """Send `delivery` again now: pending, due, and its message enqueued (a redelivery from the log).

    Its attempts stay in the log; retries continue within what is left of its window, so a
    delivery redelivered after the window gets one attempt.
    """
    delivery.update(
        actions=[
            WebhookDelivery.status.set(PENDING),
            WebhookDelivery.next_attempt_at.remove(),
            WebhookDelivery.enqueued.set(True),
            WebhookDelivery.updated_at.set(now()),
        ],
        condition=WebhookDelivery.pk.exists(),
    )
    enqueue([delivery_message(delivery)])
