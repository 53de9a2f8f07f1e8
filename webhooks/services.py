"""Writes of the webhook admin API: register, change, delete an endpoint, rotate its secret, redeliver.

An endpoint's URL passes the SSRF guard (`webhooks.addresses.url_validate`) whenever it is set,
so a refused address never reaches a table. Its signing secret is made here, returned by the
write that made it, and never read back through the API.

Sending is not done here: a redelivery makes the delivery due again and puts the one message
the outbound worker reads (`webhooks.deliveries.delivery_requeue`); the worker claims the
delivery before it sends, so a redelivery raced by a retry sends once.
"""

import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from pynamodb.exceptions import DeleteError, UpdateError

from bookstore.dynamodb.clock import now
from bookstore.dynamodb.conditions import is_condition_failure
from bookstore.errors import ApplicationError, CommonError
from outbound.queue import EnqueueError
from webhooks.addresses import AddressRefused, url_validate
from webhooks.deliveries import delivery_requeue
from webhooks.errors import WebhooksError
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.selectors import delivery_id_checked, endpoint_count, webhook_get, webhook_id_checked

SECRET_PREFIX = "whsec_"


def secret_new() -> str:
    """A signing secret: `whsec_` and 32 random bytes, URL-safe."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def _url_checked(url: str) -> str:
    try:
        url_validate(url)
    except AddressRefused as exc:
        raise ApplicationError(WebhooksError.URL_REFUSED, str(exc), details={"url": [str(exc)]}) from exc
    return url


def _events(events: list[str]) -> list[str]:
    """The subscribed event types, each once."""
    return list(dict.fromkeys(events))


def webhook_create(
    *, tenant_id: str, url: str, events: list[str], description: str = "", active: bool = True
) -> WebhookEndpoint:
    """Register an endpoint with a new secret (the caller shows it once); at most WEBHOOK_MAX_ENDPOINTS.

    One Query counts the tenant's endpoints before the put, and one more (consistent) after
    it: of two registrations racing for the last place, neither stays past the limit.
    """
    url = _url_checked(url)
    limit = settings.WEBHOOK_MAX_ENDPOINTS
    if endpoint_count(tenant_id=tenant_id) >= limit:
        raise ApplicationError(WebhooksError.TOO_MANY_WEBHOOKS, details={"max_endpoints": limit})
    endpoint_id = str(uuid.uuid4())
    endpoint = WebhookEndpoint(
        tenant_id,
        WebhookEndpoint.sort_key(endpoint_id),
        tenant_id=tenant_id,
        endpoint_id=endpoint_id,
        url=url,
        events=_events(events),
        description=description or None,
        active=active,
        secret=secret_new(),
        consecutive_failures=0,
        created_at=now(),
    )
    endpoint.save(condition=WebhookEndpoint.pk.does_not_exist())
    if endpoint_count(tenant_id=tenant_id, consistent=True) > limit:
        endpoint.delete()
        raise ApplicationError(WebhooksError.TOO_MANY_WEBHOOKS, details={"max_endpoints": limit})
    return endpoint


def webhook_update(
    *,
    tenant_id: str,
    webhook_id: str,
    url: str | None = None,
    events: list[str] | None = None,
    description: str | None = None,
    active: bool | None = None,
) -> WebhookEndpoint:
    """Change the fields given; activating an inactive endpoint starts its failure count afresh.

    One GetItem (is it inactive now?) and one UpdateItem conditioned on the endpoint existing.
    """
    endpoint = webhook_get(tenant_id=tenant_id, webhook_id=webhook_id)
    actions = [WebhookEndpoint.updated_at.set(now())]
    if url is not None:
        actions.append(WebhookEndpoint.url.set(_url_checked(url)))
    if events is not None:
        actions.append(WebhookEndpoint.events.set(_events(events)))
    if description is not None:
        actions.append(
            WebhookEndpoint.description.set(description) if description else WebhookEndpoint.description.remove()
        )
    if active is not None:
        actions.append(WebhookEndpoint.active.set(active))
        if active and not endpoint.active:
            # A fresh start: the failures that disabled it are the past the admin just dealt with.
            actions += [
                WebhookEndpoint.consecutive_failures.set(0),
                WebhookEndpoint.disabled_at.remove(),
                WebhookEndpoint.disabled_reason.remove(),
            ]
    try:
        endpoint.update(actions=actions, condition=WebhookEndpoint.pk.exists())
    except UpdateError as exc:
        if is_condition_failure(exc):
            raise ApplicationError(WebhooksError.WEBHOOK_NOT_FOUND) from exc
        raise
    return endpoint


def webhook_delete(*, tenant_id: str, webhook_id: str) -> None:
    """Delete the endpoint (one DeleteItem); its deliveries are no longer sent and expire with their TTL."""
    endpoint = WebhookEndpoint(tenant_id, WebhookEndpoint.sort_key(webhook_id_checked(webhook_id)))
    try:
        endpoint.delete(condition=WebhookEndpoint.pk.exists())
    except DeleteError as exc:
        if is_condition_failure(exc):
            raise ApplicationError(WebhooksError.WEBHOOK_NOT_FOUND) from exc
        raise


def webhook_secret_rotate(*, tenant_id: str, webhook_id: str) -> WebhookEndpoint:
    """Give the endpoint a new secret; the one it replaces also signs for WEBHOOK_SECRET_ROTATION_HOURS.

    One GetItem and one UpdateItem conditioned on the secret read, so of two rotations at
    once one wins and the other is `write_conflict`: a secret shown to an admin always signs.
    A secret older than the one replaced stops signing at once.
    """
    endpoint = webhook_get(tenant_id=tenant_id, webhook_id=webhook_id)
    until = now() + timedelta(hours=settings.WEBHOOK_SECRET_ROTATION_HOURS)
    actions = [
        WebhookEndpoint.previous_secret.set(endpoint.secret),
        WebhookEndpoint.previous_secret_until.set(until),
        WebhookEndpoint.secret.set(secret_new()),
        WebhookEndpoint.updated_at.set(now()),
    ]
    try:
        endpoint.update(actions=actions, condition=WebhookEndpoint.secret == endpoint.secret)
    except UpdateError as exc:
        if is_condition_failure(exc):
            raise ApplicationError(CommonError.CONFLICT) from exc
        raise
    return endpoint


def webhook_redeliver(*, tenant_id: str, webhook_id: str, delivery_id: str) -> WebhookDelivery:
    """Send a delivery again: make it pending and due now, and put its message on the outbound queue.

    One GetItem (the endpoint, which must be active), one UpdateItem conditioned on the
    delivery existing, and one SendMessageBatch. A redelivery of a delivery still pending
    only makes it due now; the worker's claim keeps two messages for it to one send.
    """
    endpoint = webhook_get(tenant_id=tenant_id, webhook_id=webhook_id)
    if not endpoint.active:
        raise ApplicationError(WebhooksError.WEBHOOK_INACTIVE)
    delivery = WebhookDelivery(
        WebhookDelivery.key(tenant_id, endpoint.endpoint_id), WebhookDelivery.sort_key(delivery_id_checked(delivery_id))
    )
    delivery.tenant_id, delivery.endpoint_id = tenant_id, endpoint.endpoint_id
    delivery.delivery_id = delivery_id
    try:
        delivery_requeue(delivery=delivery)
    except UpdateError as exc:
        if is_condition_failure(exc):
            raise ApplicationError(WebhooksError.DELIVERY_NOT_FOUND) from exc
        raise
    except EnqueueError as exc:
        # The delivery is due; a second redelivery puts the message the queue refused.
        raise ApplicationError(CommonError.SERVICE_UNAVAILABLE) from exc
    return delivery
