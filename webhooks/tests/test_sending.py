"""webhooks/sending.py: one POST, to an allowed address only, redirects not followed."""

from testing.webhooks import self_signed_certificate, webhook_receiver
from webhooks.sending import post, tls_context


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


def test_https_goes_to_the_resolved_address_and_verifies_the_certificate_for_the_host_name(
    resolver_names, tmp_path, monkeypatch
):
    certificate = self_signed_certificate(tmp_path, "hooks.shop.test")
    with webhook_receiver(tls=certificate) as receiver:
        url = receiver.url.replace("127.0.0.1", "hooks.shop.test")
        resolver_names["hooks.shop.test"] = ["127.0.0.1"]
        try:
            untrusted = post(url=url, body=b"{}", headers={})  # the system's trust store does not know it
            monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # trust this certificate, as a CA
            tls_context.cache_clear()
            trusted = post(url=url, body=b"{}", headers={})
            resolver_names["other.shop.test"] = ["127.0.0.1"]
            wrong_name = post(url=url.replace("hooks.shop.test", "other.shop.test"), body=b"{}", headers={})
        finally:
            resolver_names.clear()
            monkeypatch.delenv("SSL_CERT_FILE")
            tls_context.cache_clear()
    assert "CERTIFICATE_VERIFY_FAILED" in untrusted.error
    assert trusted.succeeded, trusted.error
    assert "CERTIFICATE_VERIFY_FAILED" in wrong_name.error  # a certificate for another name
    assert receiver.server_names == ["hooks.shop.test", "hooks.shop.test", "other.shop.test"]  # SNI is the host
    assert len(receiver.received) == 1
    assert receiver.received[0].headers["Host"] == f"hooks.shop.test:{receiver.port}"
