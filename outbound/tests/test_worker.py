"""The outbound queue: messages reach their handler, wait until due, and a failing one is delivered again."""

from datetime import timedelta

import pytest

from outbound.lambda_entry import handle
from outbound.queue import enqueue, message_encode
from outbound.registry import OutboundMessage, message_handler

handled: list[OutboundMessage] = []


@message_handler("test_echo")
def _echo(message: OutboundMessage) -> None:
    if message.body.get("fail"):
        raise RuntimeError("the receiver is down")
    handled.append(message)


@pytest.fixture(autouse=True)
def _fresh():
    handled.clear()


def test_enqueued_messages_reach_their_handler_once(outbound_queue):
    enqueue([OutboundMessage("test_echo", "t1", {"n": n}) for n in range(13)])  # two SendMessageBatch calls
    outcome = outbound_queue.drain()
    assert outcome.handled == 13
    assert outcome.failed == []
    assert outcome.deferred == []
    assert sorted(m.body["n"] for m in handled) == list(range(13))
    assert outbound_queue.messages() == []


def test_a_message_waits_until_the_clock_reaches_its_time(outbound_queue, clock):
    clock.set(clock.now())
    later = clock.now() + timedelta(hours=3)
    enqueue([OutboundMessage("test_echo", "t1", {"n": 1}, not_before=later)])
    assert outbound_queue.drain().deferred
    assert handled == []
    assert [m.not_before for m in outbound_queue.messages()] == [later]  # put back, still waiting
    clock.advance(timedelta(hours=3))
    assert outbound_queue.drain().handled == 1
    assert [m.body for m in handled] == [{"n": 1}]


def test_the_lambda_entry_reports_only_the_failing_message():
    records = [
        {"messageId": "ok", "body": message_encode(OutboundMessage("test_echo", "t1", {"n": 1}))},
        {"messageId": "bad", "body": message_encode(OutboundMessage("test_echo", "t1", {"fail": True}))},
        {"messageId": "unknown", "body": message_encode(OutboundMessage("no_such_kind", "t1", {}))},
    ]
    assert handle({"Records": records}) == {
        "batchItemFailures": [{"itemIdentifier": "bad"}, {"itemIdentifier": "unknown"}]
    }
    assert [m.body for m in handled] == [{"n": 1}]
