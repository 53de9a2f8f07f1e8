"""The local outbox pages: a tenant admin reads their shop's emails only; customers and stages get nothing."""

from bookstore.dynamodb.clock import now
from emails.notices import endpoint_disabled_notify


def _notify(tenant_id: str, endpoint_id: str) -> None:
    endpoint_disabled_notify(
        tenant_id=tenant_id, endpoint_id=endpoint_id, url="https://h.example.com/", failures=5, disabled_at=now()
    )


def test_an_admin_pages_through_their_own_outbox_newest_first(
    tenant, other_tenant, admin, other_tenant_admin, admin_client, customer_client, outbound_queue, outbox, settings
):
    for endpoint_id in ("wh_1", "wh_2", "wh_3"):
        _notify(tenant.tenant_id, endpoint_id)
        outbound_queue.drain()
    _notify(other_tenant.tenant_id, "wh_9")
    outbound_queue.drain()
    written = [m["message_id"] for m in outbox.messages(tenant.tenant_id)]

    first = admin_client.get("/api/v1/admin/outbox", {"limit": 2})
    assert first.status_code == 200, first.content
    second = admin_client.get("/api/v1/admin/outbox", {"limit": 2, "cursor": first.json()["next"]})
    listed = [m["message_id"] for m in first.json()["results"] + second.json()["results"]]
    assert listed == written[::-1]
    assert second.json()["next"] is None
    assert first["Cache-Control"].startswith("private") or "no-store" in first["Cache-Control"]

    detail = admin_client.get(f"/api/v1/admin/outbox/{written[0]}").json()
    assert detail["to"] == [admin.email]
    assert "wh_1" in detail["text"]
    assert "<html" in detail["html"]

    foreign = outbox.messages(other_tenant.tenant_id)[0]["message_id"]
    assert admin_client.get(f"/api/v1/admin/outbox/{foreign}").json()["error"]["code"] == "outbox_message_not_found"
    assert admin_client.get("/api/v1/admin/outbox/..%2F..%2Fsecret").status_code == 404
    assert customer_client.get("/api/v1/admin/outbox").status_code == 403

    settings.EMAIL_BACKEND = "emails.backends.SESEmailBackend"
    refused = admin_client.get("/api/v1/admin/outbox")
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "outbox_not_configured"
