"""Fixtures of the webhooks tests: a resolver table instead of DNS, an admin's endpoint, and deliveries."""

import json
import uuid
from datetime import timedelta

import pytest

from bookstore.dynamodb.clock import now


@pytest.fixture
def webhook_factory():
    """`webhook_factory(tenant, url=..., events=...)`: an endpoint registered through the service."""
    from webhooks.services import webhook_create

    def make(tenant, url: str = "http://127.0.0.1:9/hooks", events=("order.created", "order.paid"), **fields):
        return webhook_create(tenant_id=tenant.tenant_id, url=url, events=list(events), **fields)

    return make


@pytest.fixture
def delivery_factory():
    """`delivery_factory(endpoint, minutes_ago=0, status="pending", ...)`: a delivery as the stream handlers make it."""
    from webhooks.models import WebhookDelivery

    def make(endpoint, *, minutes_ago: int = 0, status: str = "pending", event_type: str = "order.created", **fields):
        delivery_id = f"dlv_{uuid.uuid4().hex[:24]}"
        event_id = f"evt_{uuid.uuid4().hex[:24]}"
        created = now() - timedelta(minutes=minutes_ago)
        delivery = WebhookDelivery(
            WebhookDelivery.key(endpoint.tenant_id, endpoint.endpoint_id),
            WebhookDelivery.sort_key(delivery_id),
            tenant_id=endpoint.tenant_id,
            endpoint_id=endpoint.endpoint_id,
            delivery_id=delivery_id,
            event_id=event_id,
            event_type=event_type,
            payload=json.dumps({"id": event_id, "type": event_type, "tenant_id": endpoint.tenant_id}),
            status=status,
            enqueued=True,
            created_at=created,
            **fields,
        )
        delivery.save()
        return delivery

    return make
