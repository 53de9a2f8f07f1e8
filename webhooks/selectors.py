"""Reads of the webhook admin API: a tenant's endpoints, one endpoint, an endpoint's delivery log."""

import re

from bookstore.errors import ApplicationError
from bookstore.ids import canonical_id
from bookstore.pagination import DEFAULT_LIMIT, Page, query_page
from webhooks.errors import WebhooksError
from webhooks.models import ENDPOINT_PREFIX, WebhookDelivery, WebhookEndpoint

# A delivery id as the stream handlers make it (letters, digits, `_` and `-`); anything else names nothing.
DELIVERY_ID = re.compile(r"[A-Za-z0-9_-]{1,80}")


def webhook_id_checked(webhook_id: str) -> str:
    """The canonical form of an endpoint id, or `webhook_not_found` without a read when it is not one."""
    canonical = canonical_id(webhook_id)
    if canonical is None:
        raise ApplicationError(WebhooksError.WEBHOOK_NOT_FOUND)
    return canonical


def delivery_id_checked(delivery_id: str) -> str:
    """The delivery id, or `webhook_delivery_not_found` without a read when it cannot be one."""
    if not DELIVERY_ID.fullmatch(delivery_id):
        raise ApplicationError(WebhooksError.DELIVERY_NOT_FOUND)
    return delivery_id


def webhook_list(*, tenant_id: str, limit: int = DEFAULT_LIMIT, cursor: str | None = None) -> Page:
    """A page of the tenant's endpoints, in id order (one Query of the tenant's partition)."""
    return query_page(
        WebhookEndpoint,
        tenant_id,
        limit=limit,
        cursor=cursor,
        scope=f"webhooks:{tenant_id}",
        range_key_condition=WebhookEndpoint.sk.startswith(ENDPOINT_PREFIX),
    )


def endpoint_count(*, tenant_id: str, consistent: bool = False) -> int:
    """How many endpoints the tenant has (one Query that counts, reading no attributes)."""
    return WebhookEndpoint.count(tenant_id, WebhookEndpoint.sk.startswith(ENDPOINT_PREFIX), consistent_read=consistent)


def webhook_get(*, tenant_id: str, webhook_id: str) -> WebhookEndpoint:
    """One endpoint of the tenant (one consistent GetItem), or `webhook_not_found`."""
    try:
        return WebhookEndpoint.get(
            tenant_id, WebhookEndpoint.sort_key(webhook_id_checked(webhook_id)), consistent_read=True
        )
    except WebhookEndpoint.DoesNotExist as exc:
        raise ApplicationError(WebhooksError.WEBHOOK_NOT_FOUND) from exc


def webhook_deliveries_list(
    *,
    tenant_id: str,
    webhook_id: str,
    status: str | None = None,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> Page:
    """A page of the endpoint's deliveries, newest first, optionally in one status.

    One GetItem (an unknown endpoint is `webhook_not_found`, not an empty log) and one Query
    of LSI `created-index`; the status is a filter, bounded as every list is.
    """
    endpoint = webhook_get(tenant_id=tenant_id, webhook_id=webhook_id)
    return query_page(
        WebhookDelivery.by_date,
        WebhookDelivery.key(tenant_id, endpoint.endpoint_id),
        limit=limit,
        cursor=cursor,
        scope=f"webhook-deliveries:{tenant_id}:{endpoint.endpoint_id}:{status or ''}",
        filter_condition=None if status is None else WebhookDelivery.status == status,
        scan_index_forward=False,
    )


def webhook_delivery_get(*, tenant_id: str, webhook_id: str, delivery_id: str) -> WebhookDelivery:
    """One delivery of one of the tenant's endpoints, with its payload (one GetItem)."""
    try:
        return WebhookDelivery.get(
            WebhookDelivery.key(tenant_id, webhook_id_checked(webhook_id)),
            WebhookDelivery.sort_key(delivery_id_checked(delivery_id)),
        )
    except WebhookDelivery.DoesNotExist as exc:
        raise ApplicationError(WebhooksError.DELIVERY_NOT_FOUND) from exc
