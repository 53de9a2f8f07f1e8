"""webhooks/views.py over HTTP: endpoints, the secret shown once, rotation, the delivery log and redelivery."""

from datetime import timedelta

import pytest

from webhooks.models import WebhookDelivery, WebhookEndpoint

WEBHOOKS = "/api/v1/admin/webhooks"
NEW = {"url": "http://127.0.0.1:9/hooks", "events": ["order.created", "book.out_of_stock"], "description": "Stock"}


def error_of(response) -> dict:
    return response.json()["error"]


def stored(endpoint_id: str, tenant_id: str = "tenant1") -> WebhookEndpoint:
    return WebhookEndpoint.get(tenant_id, WebhookEndpoint.sort_key(endpoint_id), consistent_read=True)


def test_an_admin_registers_an_endpoint_and_sees_its_secret_once(admin_client, customer_client):
    response = admin_client.post(WEBHOOKS, NEW, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["secret"].startswith("whsec_")
    assert len(created["secret"]) > 40
    assert (created["url"], created["events"], created["active"]) == (NEW["url"], NEW["events"], True)
    assert (created["consecutive_failures"], created["disabled_at"]) == (0, None)
    assert response["Cache-Control"] == "private, no-store"
    assert stored(created["webhook_id"]).secret == created["secret"]

    shown = admin_client.get(f"{WEBHOOKS}/{created['webhook_id']}")
    listed = admin_client.get(WEBHOOKS)
    assert shown.status_code == listed.status_code == 200
    assert listed.json()["results"] == [shown.json()]
    for body in (shown.content, listed.content):
        assert b'secret"' not in body
        assert created["secret"].encode() not in body

    assert customer_client.get(WEBHOOKS).status_code == 403
    assert customer_client.post(WEBHOOKS, NEW, format="json").status_code == 403
    assert customer_client.get(f"{WEBHOOKS}/{created['webhook_id']}").status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"events": ["order.shipped"]}, "events"),
        ({"events": []}, "events"),
        ({"events": "order.created"}, "events"),
        ({"url": "not a url"}, "url"),
        ({"url": "ftp://127.0.0.1/"}, "url"),
        ({"url": "http://user:pw@127.0.0.1/"}, "url"),
        ({"secret": "whsec_mine"}, "secret"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_registers_nothing(admin_client, change, field):
    response = admin_client.post(WEBHOOKS, {**NEW, **change}, format="json")
    assert response.status_code == 400, response.content
    assert field in error_of(response)["details"]
    assert admin_client.get(WEBHOOKS).json()["results"] == []


def test_a_shop_has_at_most_webhook_max_endpoints(admin_client, settings):
    settings.WEBHOOK_MAX_ENDPOINTS = 2
    assert [admin_client.post(WEBHOOKS, NEW, format="json").status_code for _ in range(2)] == [201, 201]
    refused = admin_client.post(WEBHOOKS, NEW, format="json")
    assert refused.status_code == 409
    assert error_of(refused)["code"] == "too_many_webhooks"
    assert len(admin_client.get(WEBHOOKS).json()["results"]) == 2


def test_the_list_is_paginated(admin_client):
    ids = {admin_client.post(WEBHOOKS, NEW, format="json").json()["webhook_id"] for _ in range(3)}
    first = admin_client.get(WEBHOOKS, {"limit": 2}).json()
    assert len(first["results"]) == 2
    assert first["next"]
    rest = admin_client.get(WEBHOOKS, {"limit": 2, "cursor": first["next"]}).json()
    assert rest["next"] is None
    assert {w["webhook_id"] for w in first["results"] + rest["results"]} == ids


def test_an_admin_changes_only_what_is_sent(admin_client):
    webhook_id = admin_client.post(WEBHOOKS, NEW, format="json").json()["webhook_id"]
    url = f"{WEBHOOKS}/{webhook_id}"
    changed = admin_client.patch(url, {"events": ["order.paid", "order.paid"], "description": ""}, format="json")
    assert changed.status_code == 200, changed.content
    assert (changed.json()["events"], changed.json()["description"], changed.json()["url"]) == (
        ["order.paid"],
        None,
        NEW["url"],
    )
    assert "secret" not in changed.json()
    assert admin_client.patch(url, {"events": []}, format="json").status_code == 400
    assert admin_client.patch(url, {"active": False}, format="json").json()["active"] is False
    assert stored(webhook_id).events == ["order.paid"]


def test_reactivating_a_disabled_endpoint_clears_its_failures(admin_client, clock):
    webhook_id = admin_client.post(WEBHOOKS, NEW, format="json").json()["webhook_id"]
    endpoint = stored(webhook_id)
    endpoint.update(
        actions=[
            WebhookEndpoint.active.set(False),
            WebhookEndpoint.consecutive_failures.set(15),
            WebhookEndpoint.disabled_at.set(clock.now()),
            WebhookEndpoint.disabled_reason.set("15 deliveries failed in a row"),
        ]
    )
    shown = admin_client.get(f"{WEBHOOKS}/{webhook_id}").json()
    assert (shown["active"], shown["consecutive_failures"], shown["disabled_reason"]) == (
        False,
        15,
        "15 deliveries failed in a row",
    )
    again = admin_client.patch(f"{WEBHOOKS}/{webhook_id}", {"active": True}, format="json").json()
    assert (again["active"], again["consecutive_failures"], again["disabled_at"], again["disabled_reason"]) == (
        True,
        0,
        None,
        None,
    )


def test_rotating_the_secret_keeps_the_old_one_signing_for_the_window(admin_client, clock, settings):
    settings.WEBHOOK_SECRET_ROTATION_HOURS = 24
    created = admin_client.post(WEBHOOKS, NEW, format="json").json()
    rotated = admin_client.post(f"{WEBHOOKS}/{created['webhook_id']}/rotate-secret")
    assert rotated.status_code == 201, rotated.content
    new = rotated.json()
    assert new["secret"].startswith("whsec_")
    assert new["secret"] != created["secret"]
    assert new["previous_secret_until"] == (clock.now() + timedelta(hours=24)).isoformat().replace("+00:00", "Z")
    endpoint = stored(created["webhook_id"])
    assert (endpoint.secret, endpoint.previous_secret) == (new["secret"], created["secret"])
    shown = admin_client.get(f"{WEBHOOKS}/{created['webhook_id']}").content
    assert created["secret"].encode() not in shown
    assert new["secret"].encode() not in shown


def test_a_deleted_endpoint_is_gone(admin_client):
    webhook_id = admin_client.post(WEBHOOKS, NEW, format="json").json()["webhook_id"]
    assert admin_client.delete(f"{WEBHOOKS}/{webhook_id}").status_code == 204
    for response in (
        admin_client.get(f"{WEBHOOKS}/{webhook_id}"),
        admin_client.delete(f"{WEBHOOKS}/{webhook_id}"),
        admin_client.patch(f"{WEBHOOKS}/{webhook_id}", {"active": True}, format="json"),
        admin_client.post(f"{WEBHOOKS}/{webhook_id}/rotate-secret"),
        admin_client.get(f"{WEBHOOKS}/not-a-uuid"),
    ):
        assert response.status_code == 404
        assert error_of(response)["code"] == "webhook_not_found"
    assert admin_client.get(WEBHOOKS).json()["results"] == []


def test_the_delivery_log_lists_newest_first_with_attempts_and_filters_by_status(
    admin, admin_client, webhook_factory, delivery_factory, tenant, clock
):
    endpoint = webhook_factory(tenant)
    attempt = {"at": clock.now(), "status_code": 500, "latency_ms": 41, "error": "Internal Server Error"}
    oldest = delivery_factory(endpoint, minutes_ago=30, status="failed", attempt_count=1)
    oldest.update(actions=[WebhookDelivery.attempts.set([attempt])])
    middle = delivery_factory(endpoint, minutes_ago=20, status="succeeded")
    newest = delivery_factory(endpoint, minutes_ago=10)
    url = f"{WEBHOOKS}/{endpoint.endpoint_id}/deliveries"

    page = admin_client.get(url, {"limit": 2}).json()
    assert [d["delivery_id"] for d in page["results"]] == [newest.delivery_id, middle.delivery_id]
    rest = admin_client.get(url, {"limit": 2, "cursor": page["next"]}).json()
    [failed] = rest["results"]
    assert (failed["delivery_id"], failed["status"], failed["attempt_count"], rest["next"]) == (
        oldest.delivery_id,
        "failed",
        1,
        None,
    )
    assert failed["attempts"] == [
        {
            "at": attempt["at"].isoformat().replace("+00:00", "Z"),
            "status_code": 500,
            "latency_ms": 41,
            "error": "Internal Server Error",
        }
    ]
    assert "payload" not in failed
    only = admin_client.get(url, {"status": "succeeded"}).json()["results"]
    assert [d["delivery_id"] for d in only] == [middle.delivery_id]
    assert admin_client.get(url, {"status": "lost"}).status_code == 400

    detail = admin_client.get(f"{url}/{newest.delivery_id}").json()
    assert detail["payload"] == {"id": newest.event_id, "type": "order.created", "tenant_id": "tenant1"}
    assert (detail["event_id"], detail["event_type"]) == (newest.event_id, "order.created")
    for missing in (f"{url}/dlv_nothing", f"{url}/not%20an%20id"):
        assert error_of(admin_client.get(missing))["code"] == "webhook_delivery_not_found"
    assert error_of(admin_client.get(f"{WEBHOOKS}/{'0' * 8}-0000-0000-0000-{'0' * 12}/deliveries"))["code"] == (
        "webhook_not_found"
    )


def test_redeliver_makes_the_delivery_due_and_enqueues_its_message(
    admin_client, webhook_factory, delivery_factory, tenant, clock, outbound_queue
):
    endpoint = webhook_factory(tenant)
    delivery = delivery_factory(endpoint, minutes_ago=60, status="failed", attempt_count=8)
    url = f"{WEBHOOKS}/{endpoint.endpoint_id}/deliveries/{delivery.delivery_id}/redeliver"
    response = admin_client.post(url)
    assert response.status_code == 202, response.content
    assert (response.json()["status"], response.json()["attempt_count"]) == ("pending", 8)
    delivery.refresh(consistent_read=True)
    assert (delivery.status, delivery.next_attempt_at) == ("pending", None)  # due now: no wait
    [message] = outbound_queue.messages()
    assert (message.kind, message.tenant_id, message.body) == (
        "webhook_delivery",
        "tenant1",
        {"endpoint_id": endpoint.endpoint_id, "delivery_id": delivery.delivery_id},
    )

    missing = admin_client.post(f"{WEBHOOKS}/{endpoint.endpoint_id}/deliveries/dlv_nothing/redeliver")
    assert (missing.status_code, error_of(missing)["code"]) == (404, "webhook_delivery_not_found")
    admin_client.patch(f"{WEBHOOKS}/{endpoint.endpoint_id}", {"active": False}, format="json")
    refused = admin_client.post(url)
    assert (refused.status_code, error_of(refused)["code"]) == (409, "webhook_inactive")
    assert len(outbound_queue.messages()) == 1
