"""The endpoint-disabled notice: each of the tenant's admins, and nobody else, gets it once per disabling."""

from datetime import UTC, datetime

from accounts.selectors import admins_list
from bookstore.authentication import ROLE_ADMIN
from emails.notices import endpoint_disabled_notify


def test_the_tenants_admins_get_the_notice_once_per_disabling(
    tenant, other_tenant, user_factory, customer, other_tenant_admin, outbound_queue, outbox
):
    first = user_factory(tenant, role=ROLE_ADMIN, email="boss@example.com", first_name="Marta")
    second = user_factory(tenant, role=ROLE_ADMIN, email="ops@example.com")
    assert sorted(a.email for a in admins_list(tenant_id=tenant.tenant_id)) == [first.email, second.email]
    disabled_at = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
    notice = {
        "tenant_id": tenant.tenant_id,
        "endpoint_id": "wh_1",
        "url": "https://hooks.example.com/orders",
        "failures": 5,
        "disabled_at": disabled_at,
    }

    endpoint_disabled_notify(**notice)
    endpoint_disabled_notify(**notice)  # the webhooks worker retried after a crash
    outbound_queue.drain()

    sent = outbox.messages(tenant.tenant_id)
    assert sorted(m["to"][0] for m in sent) == [first.email, second.email]
    assert {m["subject"] for m in sent} == {"Tenant One: a webhook endpoint was disabled"}
    assert all("https://hooks.example.com/orders" in m["text"] and "5 deliveries" in m["text"] for m in sent)
    assert outbox.messages(other_tenant.tenant_id) == []

    endpoint_disabled_notify(**notice)
    outbound_queue.drain()
    assert len(outbox.messages(tenant.tenant_id)) == 2  # the same disabling: nothing more
    endpoint_disabled_notify(**{**notice, "disabled_at": datetime(2026, 12, 3, 9, 0, tzinfo=UTC)})
    outbound_queue.drain()
    assert len(outbox.messages(tenant.tenant_id)) == 4  # enabled again, disabled again: notified again
