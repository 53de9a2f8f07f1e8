"""The outbound queue: messages reach their handler, wait until due, and a failing one is delivered again."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from bookstore import aws
from outbound.lambda_entry import handle
from outbound.queue import enqueue, message_encode
from outbound.registry import OutboundMessage, message_handler
from outbound.worker import worker_run_forever
from testing.waiting import wait_until

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


def test_the_command_once_handles_what_the_queue_holds_and_says_what_came_of_it(outbound_queue, clock):
    clock.set(clock.now())
    # No failing message here: it would stay hidden for the visibility timeout, past this test.
    enqueue(
        [
            OutboundMessage("test_echo", "t1", {"n": 1}),
            OutboundMessage("test_echo", "t1", {"n": 2}, not_before=clock.now() + timedelta(hours=1)),
        ]
    )
    out = StringIO()
    call_command("outbound_worker", once=True, stdout=out)
    assert out.getvalue().strip() == "Handled 1 messages; 0 failed; 1 wait for a later time."
    assert [m.body for m in handled] == [{"n": 1}]


def test_the_worker_thread_handles_what_arrives_until_stopped(outbound_queue):
    stop = threading.Event()
    worker = threading.Thread(target=worker_run_forever, kwargs={"stop": stop})
    worker.start()
    try:
        enqueue([OutboundMessage("test_echo", "t1", {"n": n}) for n in range(3)])
        wait_until(lambda: len(handled) == 3, what="the worker handles the three messages", timeout=30)
    finally:
        stop.set()
        worker.join(30)
    assert not worker.is_alive()
    assert sorted(m.body["n"] for m in handled) == [0, 1, 2]
    assert outbound_queue.messages() == []


def test_the_worker_thread_logs_a_failed_receive_and_tries_again(outbound_queue, settings, caplog):
    from botocore.exceptions import EndpointConnectionError

    sqs = aws.client("sqs", read_timeout=settings.OUTBOUND_WAIT_SECONDS + 10)  # the worker's client
    refusals = []

    def refuse_once(**_):
        if not refusals:
            refusals.append(1)
            raise EndpointConnectionError(endpoint_url="http://the-queue")

    sqs.meta.events.register("before-call.sqs.ReceiveMessage", refuse_once)
    stop = threading.Event()
    worker = threading.Thread(target=worker_run_forever, kwargs={"stop": stop})
    try:
        enqueue([OutboundMessage("test_echo", "t1", {"n": 1})])
        worker.start()
        wait_until(lambda: handled, what="the worker handles the message after the refused receive", timeout=30)
    finally:
        stop.set()
        worker.join(30)
        sqs.meta.events.unregister("before-call.sqs.ReceiveMessage", refuse_once)
    assert refusals == [1]
    assert f"Outbound worker: receiving failed; retrying in {settings.OUTBOUND_WAIT_SECONDS}s" in caplog.text
    assert [m.body for m in handled] == [{"n": 1}]
