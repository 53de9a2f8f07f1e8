"""webhooks/deliveries.py: deliveries recorded once from the streams, sent signed, retried, given up on."""

import json
from datetime import timedelta

from botocore.exceptions import EndpointConnectionError

from bookstore import aws
from orders.lifecycle import purchase_cancel
from orders.order_events import ORDER_CANCELLED, ORDER_CREATED, ORDER_PAID
from outbound.lambda_entry import handle
from outbound.queue import enqueue, message_encode
from testing.factories import outbound_queue_empty
from testing.webhooks import (
    documented_verify,
    endpoint_get,
    endpoint_put,
    silent_receiver,
    stream_record,
    webhook_receiver,
)
from webhooks.deliveries import backoff_bound, delivery_claim, delivery_message, delivery_requeue
from webhooks.events import BOOK_BACK_IN_STOCK, BOOK_OUT_OF_STOCK
from webhooks.models import FAILED, PENDING, SUCCEEDED, WebhookDelivery, WebhookEndpoint
from webhooks.stream_handlers import deliver_order_events

ORDER_EVENTS = [ORDER_CREATED, ORDER_PAID, ORDER_CANCELLED]


def deliveries_of(endpoint) -> list[WebhookDelivery]:
    return list(
        WebhookDelivery.query(WebhookDelivery.key(endpoint.tenant_id, endpoint.endpoint_id), consistent_read=True)
    )


def test_an_order_reaches_its_tenants_endpoints_signed_as_documented(
    customer, customer_client, book, placed_order, other_tenant, consume_streams, outbound_queue
):
    verify = documented_verify()
    with webhook_receiver() as receiver, webhook_receiver() as other_receiver:
        endpoint = endpoint_put("tenant1", receiver.url, ORDER_EVENTS)
        created_only = endpoint_put("tenant1", receiver.url + "/created", [ORDER_CREATED])
        endpoint_put(other_tenant.tenant_id, other_receiver.url, ORDER_EVENTS)  # another shop's
        purchase = placed_order(customer, book)
        consume_streams()
        outbound_queue.drain()

        received = {(r.path, json.loads(r.body)["type"]): r for r in receiver.received}
        assert sorted(received) == [
            ("/hooks", ORDER_CREATED),
            ("/hooks", ORDER_PAID),
            ("/hooks/created", ORDER_CREATED),
        ]
        assert other_receiver.received == []  # one tenant's events never reach another tenant's endpoints

        paid = received[("/hooks", ORDER_PAID)]
        assert verify(endpoint.secret, paid.body, paid.headers["Bookstore-Signature"])
        assert not verify(created_only.secret, paid.body, paid.headers["Bookstore-Signature"])
        assert not verify(endpoint.secret, paid.body + b" ", paid.headers["Bookstore-Signature"])
        payload = json.loads(paid.body)
        assert paid.headers["Content-Type"] == "application/json"
        assert paid.headers["Bookstore-Event-Id"] == payload["id"]
        assert paid.headers["Bookstore-Event-Type"] == ORDER_PAID
        assert paid.headers["User-Agent"].startswith("Bookstore-Webhooks/")
        assert {k: payload[k] for k in ("type", "tenant_id", "version", "sequence")} == {
            "type": ORDER_PAID,
            "tenant_id": "tenant1",
            "version": 1,
            "sequence": 2,
        }
        # The order as the API shows it.
        assert payload["data"]["order"] == customer_client.get(f"/api/v1/purchases/{purchase.purchase_id}").json()
        # The same event to two endpoints: the same id, each signed with its own secret.
        created = received[("/hooks/created", ORDER_CREATED)]
        assert json.loads(created.body)["id"] == json.loads(received[("/hooks", ORDER_CREATED)].body)["id"]
        assert verify(created_only.secret, created.body, created.headers["Bookstore-Signature"])

    assert {d.status for d in deliveries_of(endpoint)} == {SUCCEEDED}
    [attempt] = deliveries_of(created_only)[0].attempts
    assert attempt.status_code == 200
    assert attempt.error is None
    assert attempt.latency_ms >= 0


def test_a_replayed_batch_enqueues_nothing_twice(customer, book, placed_order, outbound_queue):
    endpoint = endpoint_put("tenant1", "http://127.0.0.1:9/hooks", ORDER_EVENTS)
    purchase = placed_order(customer, book)
    records = [stream_record("purchases", purchase)]

    assert deliver_order_events(records) == []
    assert deliver_order_events(records) == []  # the batch again, as after a crash after its work
    messages = outbound_queue.messages()
    deliveries = deliveries_of(endpoint)
    assert sorted(d.event_type for d in deliveries) == [ORDER_CREATED, ORDER_PAID]
    assert sorted(m.body["delivery_id"] for m in messages) == sorted(d.delivery_id for d in deliveries)
    assert all(d.enqueued for d in deliveries)

    # A crash between the put and the enqueue: the replay enqueues that delivery then, and only it.
    outbound_queue_empty()
    stranded = deliveries[0]
    stranded.update(actions=[WebhookDelivery.enqueued.set(False)])
    assert deliver_order_events(records) == []
    assert [m.body for m in outbound_queue.messages()] == [
        {"endpoint_id": endpoint.endpoint_id, "delivery_id": stranded.delivery_id}
    ]
    assert all(d.enqueued for d in deliveries_of(endpoint))


def test_a_message_delivered_twice_sends_once(customer, book, placed_order, outbound_queue):
    with webhook_receiver() as receiver:
        endpoint = endpoint_put("tenant1", receiver.url, [ORDER_CREATED])
        deliver_order_events([stream_record("purchases", placed_order(customer, book))])
        [delivery] = deliveries_of(endpoint)
        enqueue([delivery_message(delivery)])  # the queue delivers the message twice
        assert len(outbound_queue.messages()) == 2
        outbound_queue.drain()
        assert len(receiver.received) == 1
    [delivery] = deliveries_of(endpoint)
    assert (delivery.status, delivery.attempt_count) == (SUCCEEDED, 1)


def test_two_workers_that_read_the_same_delivery_claim_its_attempt_once(customer, book, placed_order, clock):
    endpoint = endpoint_put("tenant1", "http://127.0.0.1:9/hooks", [ORDER_CREATED])
    deliver_order_events([stream_record("purchases", placed_order(customer, book))])
    [first] = deliveries_of(endpoint)
    [second] = deliveries_of(endpoint)  # read before either claims
    assert delivery_claim(first, clock.now()) is True
    assert delivery_claim(second, clock.now()) is False
    [delivery] = deliveries_of(endpoint)
    assert delivery.attempt_count == 1


def test_a_failing_receiver_gets_the_event_after_retries_at_the_scheduled_times(
    customer, book, placed_order, outbound_queue, clock
):
    with webhook_receiver(statuses=[500, 500, 500]) as receiver:
        endpoint = endpoint_put("tenant1", receiver.url, [ORDER_CREATED], consecutive_failures=3)
        deliver_order_events([stream_record("purchases", placed_order(customer, book))])
        for failures in (1, 2, 3):
            attempted_at = clock.now()
            outbound_queue.drain()
            [delivery] = deliveries_of(endpoint)
            assert (delivery.status, delivery.attempt_count) == (PENDING, failures)
            # Full jitter: somewhere between now and the bound of this many failures.
            assert attempted_at <= delivery.next_attempt_at <= attempted_at + backoff_bound(failures)
            assert [m.not_before for m in outbound_queue.messages()] == [delivery.next_attempt_at]
            outbound_queue.drain()  # not due yet: nothing is sent
            assert len(receiver.received) == failures
            clock.set(delivery.next_attempt_at)
        outbound_queue.drain()
        assert len(receiver.received) == 4
        assert len({r.body for r in receiver.received}) == 1  # the same body every time
    [delivery] = deliveries_of(endpoint)
    assert delivery.status == SUCCEEDED
    assert delivery.next_attempt_at is None
    assert [a.status_code for a in delivery.attempts] == [500, 500, 500, 200]
    assert delivery.attempts[0].error.startswith("HTTP 500")
    assert endpoint_get(endpoint).consecutive_failures == 0  # a success resets the count
    assert outbound_queue.messages() == []


def test_a_receiver_that_never_answers_ends_failed_and_its_endpoint_disabled(
    customer, admin, book, placed_order, outbound_queue, outbox, clock, settings
):
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.2
    settings.WEBHOOK_RETRY_HOURS = 1
    settings.WEBHOOK_BACKOFF_BASE_SECONDS = 1200
    settings.WEBHOOK_DISABLE_AFTER = 2
    with silent_receiver() as url:
        endpoint = endpoint_put("tenant1", url, [ORDER_CREATED, ORDER_PAID])
        deliver_order_events([stream_record("purchases", placed_order(customer, book))])  # two deliveries
        for _ in range(20):
            outbound_queue.drain()
            if all(d.status == FAILED for d in deliveries_of(endpoint)):
                break
            clock.advance(timedelta(minutes=20))
        deliveries = deliveries_of(endpoint)
    assert [d.status for d in deliveries] == [FAILED, FAILED]
    for delivery in deliveries:
        assert delivery.attempts[-1].error.startswith("timeout")
        assert delivery.attempts[-1].at <= delivery.created_at + timedelta(hours=1)
    stored = endpoint_get(endpoint)
    assert stored.active is False
    assert stored.consecutive_failures == 2
    assert stored.disabled_reason == "consecutive_failures"
    assert stored.disabled_at is not None
    [notice] = outbox.messages("tenant1")  # the tenant's admin is emailed, once
    assert notice["to"] == [admin.email]
    assert url in notice["text"]

    # A disabled endpoint gets nothing more.
    deliver_order_events([stream_record("purchases", placed_order(customer, book))])
    assert len(deliveries_of(endpoint)) == 2
    assert outbound_queue.messages() == []


def test_a_worker_that_died_before_the_admins_notice_is_finished_when_its_message_comes_back(
    customer, admin, book, placed_order, outbound_queue, outbox, settings
):
    settings.WEBHOOK_RETRY_HOURS = 0  # the first failure is the last
    settings.WEBHOOK_DISABLE_AFTER = 1
    endpoint = endpoint_put("tenant1", "http://127.0.0.1:9/hooks", [ORDER_CREATED])  # refused at once
    deliver_order_events([stream_record("purchases", placed_order(customer, book))])
    [delivery] = deliveries_of(endpoint)
    outbound_queue_empty()
    record = {"messageId": "m1", "body": message_encode(delivery_message(delivery))}  # as Lambda hands it over

    sqs = aws.client("sqs")

    def die_sending_an_email(params, **_):
        if any('"kind": "email"' in entry["MessageBody"] for entry in params["Entries"]):
            raise EndpointConnectionError(endpoint_url="http://the-queue")  # the worker dies here

    sqs.meta.events.register("before-parameter-build.sqs.SendMessageBatch", die_sending_an_email)
    try:
        assert handle({"Records": [record]}) == {"batchItemFailures": [{"itemIdentifier": "m1"}]}
    finally:
        sqs.meta.events.unregister("before-parameter-build.sqs.SendMessageBatch", die_sending_an_email)
    stored = endpoint_get(endpoint)
    assert (stored.active, stored.consecutive_failures) == (False, 1)  # failed, counted and disabled...
    assert [d.status for d in deliveries_of(endpoint)] == [FAILED]
    assert outbound_queue.messages() == []  # ...and no notice on its way

    # The message comes back after the visibility timeout (twice, as SQS may deliver it).
    assert handle({"Records": [record]}) == handle({"Records": [record]}) == {"batchItemFailures": []}
    outbound_queue.drain()
    [notice] = outbox.messages("tenant1")
    assert notice["to"] == [admin.email]
    assert endpoint_get(endpoint).consecutive_failures == 1  # counted once
    assert [d.attempt_count for d in deliveries_of(endpoint)] == [1]  # and not sent again


def test_a_name_that_resolves_to_a_private_address_at_delivery_is_refused(
    customer, book, placed_order, outbound_queue, resolver_names
):
    with webhook_receiver() as receiver:
        resolver_names["hooks.shop.test"] = ["127.0.0.1"]  # as registered
        endpoint = endpoint_put("tenant1", receiver.url.replace("127.0.0.1", "hooks.shop.test"), [ORDER_CREATED])
        deliver_order_events([stream_record("purchases", placed_order(customer, book))])
        resolver_names["hooks.shop.test"] = ["10.0.0.1"]  # rebound before the delivery
        try:
            outbound_queue.drain()
        finally:
            resolver_names.clear()
        assert receiver.received == []
    [delivery] = deliveries_of(endpoint)
    assert delivery.status == PENDING  # a failed attempt, retried later
    [attempt] = delivery.attempts
    assert attempt.status_code is None
    assert "10.0.0.1" in attempt.error
    assert "private" in attempt.error


def test_a_cancelled_order_is_one_more_event_with_a_later_sequence(customer, book, placed_order, outbound_queue):
    with webhook_receiver() as receiver:
        endpoint_put("tenant1", receiver.url, ORDER_EVENTS)
        paid = placed_order(customer, book)
        cancelled = purchase_cancel(tenant_id="tenant1", user_id=customer.user_id, purchase_id=paid.purchase_id)
        deliver_order_events(
            [stream_record("purchases", paid), stream_record("purchases", cancelled, event_name="MODIFY", old=paid)]
        )
        outbound_queue.drain()
        events = sorted((json.loads(r.body) for r in receiver.received), key=lambda e: e["sequence"])
    assert [(e["type"], e["sequence"]) for e in events] == [(ORDER_CREATED, 1), (ORDER_PAID, 2), (ORDER_CANCELLED, 3)]
    assert events[2]["data"]["order"]["status"] == "cancelled"
    assert len({e["id"] for e in events}) == 3


def test_a_book_selling_out_and_coming_back_is_two_stock_events(
    customer, book_factory, placed_order, consume_streams, outbound_queue
):
    book = book_factory(stock_quantity=1)
    with webhook_receiver() as receiver:
        endpoint_put("tenant1", receiver.url, [BOOK_OUT_OF_STOCK, BOOK_BACK_IN_STOCK])
        order = placed_order(customer, book)  # the last copy
        consume_streams()  # the stock item crosses zero → the book's in_stock flips → its record
        consume_streams()
        purchase_cancel(tenant_id="tenant1", user_id=customer.user_id, purchase_id=order.purchase_id)  # restocks
        consume_streams()
        consume_streams()
        outbound_queue.drain()
        events = [json.loads(r.body) for r in receiver.received]
    assert [e["type"] for e in sorted(events, key=lambda e: e["sequence"])] == [BOOK_OUT_OF_STOCK, BOOK_BACK_IN_STOCK]
    out, back = sorted(events, key=lambda e: e["sequence"])
    assert out["data"]["book"]["book_id"] == book.book_id
    assert out["data"]["book"]["in_stock"] is False
    assert back["data"]["book"]["in_stock"] is True
    assert out["id"] != back["id"]


def test_a_batch_reads_each_tenants_endpoints_once(customer, book, placed_order, outbound_queue, dynamodb_calls):
    endpoint_put("tenant1", "http://127.0.0.1:9/hooks", [ORDER_CREATED])
    records = [stream_record("purchases", placed_order(customer, book)) for _ in range(3)]
    dynamodb_calls.clear()
    assert deliver_order_events(records) == []
    # One Query of the endpoints; per delivery a conditional put and the `enqueued` mark.
    assert dynamodb_calls == {"Query": 1, "PutItem": 3, "UpdateItem": 3}
    assert len(outbound_queue.messages()) == 3


def test_a_pending_delivery_of_a_disabled_endpoint_is_left_alone(customer, book, placed_order, outbound_queue):
    with webhook_receiver() as receiver:
        endpoint = endpoint_put("tenant1", receiver.url, [ORDER_CREATED])
        deliver_order_events([stream_record("purchases", placed_order(customer, book))])
        endpoint_get(endpoint).update(actions=[WebhookEndpoint.active.set(False)])
        assert outbound_queue.drain().handled == 1
        assert receiver.received == []
    [delivery] = deliveries_of(endpoint)
    assert delivery.status == PENDING
    assert delivery.attempt_count == 0


def test_a_failed_delivery_requeued_is_sent_once_more(customer, book, placed_order, outbound_queue, clock, settings):
    settings.WEBHOOK_RETRY_HOURS = 0  # the first failure ends it
    with webhook_receiver(statuses=[503]) as receiver:
        endpoint = endpoint_put("tenant1", receiver.url, [ORDER_CREATED])
        deliver_order_events([stream_record("purchases", placed_order(customer, book))])
        outbound_queue.drain()
        [delivery] = deliveries_of(endpoint)
        assert delivery.status == FAILED
        delivery_requeue(delivery=delivery)
        outbound_queue.drain()
        assert len(receiver.received) == 2
    [delivery] = deliveries_of(endpoint)
    assert delivery.status == SUCCEEDED
    assert [a.status_code for a in delivery.attempts] == [503, 200]
    assert endpoint_get(endpoint).consecutive_failures == 0
