"""webhooks/signing.py: the signature header, checked with the documented example (docs/api/webhook-deliveries.md)."""

import time
from datetime import UTC, datetime, timedelta

from testing.webhooks import documented_verify
from webhooks.signing import signature_header, signing_secrets

BODY = b'{"id":"evt_1","type":"order.paid"}'


def test_both_secrets_sign_during_a_rotation_and_only_the_new_one_after():
    verify = documented_verify()
    rotated_at = datetime.now(UTC)
    until = rotated_at + timedelta(hours=24)
    during = signing_secrets(secret="new", previous_secret="old", previous_until=until, at=rotated_at)
    header = signature_header(secrets=during, timestamp=int(time.time()), body=BODY)
    assert header.count("v1=") == 2
    assert verify("new", BODY, header)
    assert verify("old", BODY, header)
    assert not verify("other", BODY, header)

    after = signing_secrets(secret="new", previous_secret="old", previous_until=until, at=until)
    header = signature_header(secrets=after, timestamp=int(time.time()), body=BODY)
    assert header.count("v1=") == 1
    assert verify("new", BODY, header)
    assert not verify("old", BODY, header)


def test_the_documented_check_refuses_a_replay_by_its_time_and_a_changed_body():
    verify = documented_verify()
    fresh = signature_header(secrets=["s"], timestamp=int(time.time()), body=BODY)
    stale = signature_header(secrets=["s"], timestamp=int(time.time()) - 301, body=BODY)
    assert verify("s", BODY, fresh)
    assert not verify("s", BODY, stale)  # a captured request sent again later
    assert not verify("s", BODY.replace(b"paid", b"cancelled"), fresh)
    assert not verify("s", BODY, fresh.split(",")[1])  # no time
    assert not verify("s", BODY, "")
