"""webhooks/sending.py: one POST, to an allowed address only, redirects not followed."""

from testing.webhooks import webhook_receiver
from webhooks.sending import post


def test_a_redirect_is_a_failed_attempt_and_is_not_followed():
    with webhook_receiver(statuses=[302]) as receiver:
        outcome = post(url=receiver.url, body=b"{}", headers={})
    assert outcome.status_code == 302
    assert "redirects are not followed" in outcome.error
    assert len(receiver.received) == 1


def test_a_refused_address_is_a_failed_attempt_that_connects_nowhere():
    outcome = post(url="http://169.254.169.254/latest/meta-data/", body=b"{}", headers={})
    assert outcome.status_code is None
    assert outcome.error.startswith("refused:")
    assert "link-local" in outcome.error


def test_loopback_is_refused_where_it_is_not_allowed(settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK = False
    with webhook_receiver() as receiver:
        outcome = post(url=receiver.url, body=b"{}", headers={})
        assert receiver.received == []
    assert "loopback" in outcome.error


def test_the_body_is_sent_exactly_with_the_json_content_type():
    body = '{"a":"ñ"}'.encode()
    with webhook_receiver() as receiver:
        outcome = post(url=receiver.url + "?x=1", body=body, headers={"Bookstore-Event-Id": "evt_1"})
    assert outcome.succeeded
    [request] = receiver.received
    assert request.body == body
    assert request.path == "/hooks?x=1"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Bookstore-Event-Id"] == "evt_1"
