"""The SES backend against the emulator's SESv2: one SendEmail per message, and a refused send is sent again later."""

import pytest
from botocore.exceptions import ClientError

from bookstore import aws
from emails.models import PENDING, SENT, EmailRecord
from emails.records import EmailToSend, email_id_for, emails_record
from emails.sending import email_send


@pytest.fixture
def ses(settings):
    settings.EMAIL_BACKEND = "emails.backends.SESEmailBackend"
    aws.client("ses").verify_email_identity(EmailAddress=settings.DEFAULT_FROM_EMAIL)
    return aws.client("ses")


def test_a_send_refused_by_ses_is_released_then_sent_once(tenant, admin, ses, outbound_queue):
    email_id = email_id_for("ses-test", admin.user_id)
    context = {"endpoint_id": "wh_1", "url": "https://h.example.com/", "failures": 5, "disabled_at": None}
    emails_record([EmailToSend(tenant.tenant_id, email_id, "endpoint_disabled", admin.user_id, context)])
    sent_before = ses.get_send_quota()["SentLast24Hours"]
    calls = []

    def throttled(**kwargs):
        calls.append(kwargs["model"].name)
        raise ClientError({"Error": {"Code": "TooManyRequestsException", "Message": "Rate exceeded"}}, "SendEmail")

    sesv2 = aws.client("sesv2")
    sesv2.meta.events.register("before-call.sesv2.SendEmail", throttled)
    try:
        with pytest.raises(ClientError):
            email_send(tenant_id=tenant.tenant_id, email_id=email_id)
    finally:
        sesv2.meta.events.unregister("before-call.sesv2.SendEmail", throttled)
    assert calls == ["SendEmail"]
    record = EmailRecord.get(EmailRecord.key(tenant.tenant_id, email_id), consistent_read=True)
    assert record.status == PENDING  # the claim was released: the queue's redelivery sends it

    assert email_send(tenant_id=tenant.tenant_id, email_id=email_id) == SENT
    assert email_send(tenant_id=tenant.tenant_id, email_id=email_id) == "duplicate"
    record = EmailRecord.get(EmailRecord.key(tenant.tenant_id, email_id), consistent_read=True)
    assert record.status == SENT
    assert record.message_id  # SES's MessageId
    # One message, one recipient: moto counts it twice (Destination, then the To header again).
    assert ses.get_send_quota()["SentLast24Hours"] == sent_before + 2
