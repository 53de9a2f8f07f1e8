"""Sending one recorded email: the claim, a dead worker's claim taken over, the tenant's own sender."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from bookstore.dynamodb.clock import now
from emails.models import SENDING, SENT, EmailRecord
from emails.records import EmailToSend, email_id_for, emails_record
from emails.sending import EmailBeingSent, email_send


def _recorded(user) -> str:
    email_id = email_id_for("sending-test", user.user_id)
    context = {"endpoint_id": "wh_1", "url": "https://h.example.com/", "failures": 5, "disabled_at": None}
    emails_record([EmailToSend(user.tenant_id, email_id, "endpoint_disabled", user.user_id, context)])
    return email_id


def test_a_dead_workers_claim_is_taken_over_once_it_is_stale(tenant, admin, outbound_queue, outbox, clock, settings):
    email_id = _recorded(admin)
    record = EmailRecord.get(EmailRecord.key(tenant.tenant_id, email_id))
    record.update(
        actions=[EmailRecord.status.set(SENDING), EmailRecord.claim.set("dead"), EmailRecord.claimed_at.set(now())]
    )

    with pytest.raises(EmailBeingSent):  # another worker may still be sending: the queue tries again later
        email_send(tenant_id=tenant.tenant_id, email_id=email_id)
    assert outbox.messages(tenant.tenant_id) == []
    clock.advance(timedelta(seconds=settings.EMAIL_SEND_CLAIM_SECONDS + 1))
    assert email_send(tenant_id=tenant.tenant_id, email_id=email_id) == SENT
    assert len(outbox.messages(tenant.tenant_id)) == 1


def test_a_tenant_sends_from_its_own_address_once_set(tenant, admin, outbound_queue, outbox):
    out = StringIO()
    call_command("set_tenant_sender", tenant.tenant_id, "tenant1@bookstore.example", stdout=out)
    assert "tenant1@bookstore.example" in out.getvalue()
    with pytest.raises(CommandError, match="sender_email"):
        call_command("set_tenant_sender", tenant.tenant_id, "not-an-address", stdout=StringIO())
    with pytest.raises(CommandError, match=r"bookstore\.example, the domain this stage sends from"):
        call_command("set_tenant_sender", tenant.tenant_id, "orders@tenant1.example", stdout=StringIO())

    email_send(tenant_id=tenant.tenant_id, email_id=_recorded(admin))
    assert [m["from_email"] for m in outbox.messages(tenant.tenant_id)] == ['"Tenant One" <tenant1@bookstore.example>']
