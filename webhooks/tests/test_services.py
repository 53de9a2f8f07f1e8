"""webhooks/services.py under races: the endpoint limit holds, and every secret a rotation shows signs."""

import threading

from bookstore.errors import ApplicationError
from webhooks.models import WebhookEndpoint
from webhooks.services import webhook_create, webhook_secret_rotate


def at_once(count: int, work) -> list:
    """Run `work()` on `count` threads released together; each result, or the ApplicationError it raised."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = work()
        except ApplicationError as error:
            results[index] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_registrations_racing_for_the_last_place_never_pass_the_limit(settings, tenant):
    settings.WEBHOOK_MAX_ENDPOINTS = 1
    results = at_once(
        6, lambda: webhook_create(tenant_id=tenant.tenant_id, url="http://127.0.0.1:9/", events=["order.paid"])
    )
    created = [r for r in results if isinstance(r, WebhookEndpoint)]
    refused = [r for r in results if isinstance(r, ApplicationError)]
    assert {error.code.value for error in refused} <= {"too_many_webhooks"}
    assert len(created) + len(refused) == 6
    stored = list(WebhookEndpoint.query(tenant.tenant_id, consistent_read=True))
    assert len(stored) <= 1
    assert [e.endpoint_id for e in stored] == [e.endpoint_id for e in created]


def test_every_secret_a_rotation_shows_still_signs(tenant, webhook_factory):
    endpoint = webhook_factory(tenant)
    results = at_once(6, lambda: webhook_secret_rotate(tenant_id=tenant.tenant_id, webhook_id=endpoint.endpoint_id))
    rotated = [r for r in results if isinstance(r, WebhookEndpoint)]
    assert rotated
    assert {r.code.value for r in results if isinstance(r, ApplicationError)} <= {"write_conflict"}
    endpoint.refresh(consistent_read=True)
    for shown in rotated:
        assert shown.secret in (endpoint.secret, endpoint.previous_secret)
