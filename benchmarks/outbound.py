"""Order events out: what webhooks and emails add to the purchases stream, and the outbound worker's throughput.

    python -m benchmarks.outbound

The stack is the tests': the patched emulator and its SQS, Django with the test settings, a
webhook receiver on loopback (`local_stack/webhook_receiver.py`) answering 200 at once.

- **Stream path.** ORDERS orders are placed by card (each is two order events, created and
  paid) in a tenant with 0, 1 and 3 webhook endpoints. Their purchases stream records are
  read back, and each handler registered on the purchases table is timed on them, in
  batches of STREAMS_BATCH_SIZE, as Lambda would call it. The added latency is the time of
  the webhooks and emails handlers per record: recording the deliveries and emails and
  enqueueing them. The handlers that were there before (sales counters, lake, verified
  buyers) are shown for scale.
- **Worker.** What those orders enqueued (deliveries and emails) is then sent by one worker
  (`queue_drain`: receive 10, handle, delete, as one Lambda poller does): messages per second.
"""

import time
import uuid
from collections import defaultdict
from decimal import Decimal

from benchmarks.harness import emulated_stack, print_table, record

ORDERS = 100
ENDPOINT_COUNTS = (0, 1, 3)


def _world(tenant_id: str, endpoints: int, receiver_url: str):
    from accounts.services import user_create
    from bookstore.tenants import tenant_create
    from catalog.isbn import isbn13_check_digit
    from catalog.services import book_create
    from webhooks.event_types import EVENT_TYPES
    from webhooks.services import webhook_create

    tenant_create(tenant_id=tenant_id, name=f"Bench {tenant_id}")
    user = user_create(tenant_id=tenant_id, email=f"{tenant_id}@example.com", password="bench-pass-123")
    body = f"979{abs(hash(tenant_id)) % 10**9:09d}"
    book = book_create(
        tenant_id=tenant_id,
        isbn=body + isbn13_check_digit(body),
        title="Bench",
        author="A",
        category="Fiction",
        price=Decimal("10.00"),
        stock_quantity=100_000,
    ).book
    for n in range(endpoints):
        webhook_create(tenant_id=tenant_id, url=f"{receiver_url}{tenant_id}/{n}", events=list(EVENT_TYPES))
    return user, book


def _orders(tenant_id: str, user, book) -> None:
    from orders.services import cart_add, checkout

    for _ in range(ORDERS):
        cart_add(tenant_id=tenant_id, user_id=user.user_id, book_id=book.book_id, quantity=1)
        checkout(
            tenant_id=tenant_id,
            user_id=user.user_id,
            idempotency_key=str(uuid.uuid4()),
            payment_method="card",
            shipping_address={"line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013", "country": "ES"},
        )


def _purchase_records(tenant_id: str) -> list:
    """The tenant's purchases stream records, as the handlers receive them."""
    from bookstore import aws
    from streams.lambda_entry import parse_record
    from streams.services import lambda_record
    from streams.sources import stream_arn

    streams, arn, records = aws.client("dynamodbstreams"), stream_arn("purchases"), []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        while iterator:
            page = streams.get_records(ShardIterator=iterator, Limit=1000)
            records += [parse_record(lambda_record(raw, stream_arn=arn)) for raw in page["Records"]]
            iterator = page.get("NextShardIterator") if page["Records"] else None
    return [r for r in records if r.tenant_id == tenant_id]


def stream_path(receiver_url: str) -> tuple[list[str], dict[int, dict[str, float]]]:
    """Per endpoint count, each purchases handler's milliseconds per record."""
    from django.conf import settings

    from streams.registry import handlers_for

    timings: dict[int, dict[str, float]] = {}
    names: list[str] = []
    for endpoints in ENDPOINT_COUNTS:
        tenant_id = f"bench-out-{endpoints}"
        user, book = _world(tenant_id, endpoints, receiver_url)
        _orders(tenant_id, user, book)
        records = _purchase_records(tenant_id)
        per_handler: dict[str, float] = defaultdict(float)
        for registration in handlers_for("purchases"):
            selected = [r for r in records if r.event_name in registration.events]
            started = time.perf_counter()
            for first in range(0, len(selected), settings.STREAMS_BATCH_SIZE):
                failures = list(registration.handler(selected[first : first + settings.STREAMS_BATCH_SIZE]) or ())
                assert not failures, failures[0].reason
            per_handler[registration.name] += (time.perf_counter() - started) * 1000 / max(1, len(records))
        names = [r.name for r in handlers_for("purchases")]
        timings[endpoints] = dict(per_handler)
    return names, timings


def worker() -> tuple[int, float]:
    """Send what the stream path enqueued with one worker; messages handled and seconds."""
    from outbound.worker import queue_drain

    started = time.perf_counter()
    outcome = queue_drain()
    elapsed = time.perf_counter() - started
    assert not outcome.failed, outcome.failed
    return outcome.handled, elapsed


def main() -> None:
    from local_stack.webhook_receiver import WebhookReceiver
    from outbound.wiring import outbound_queues_ensure

    with emulated_stack():
        outbound_queues_ensure()
        receiver = WebhookReceiver(port=0).start()
        try:
            names, timings = stream_path(receiver.url)
            handled, elapsed = worker()
        finally:
            receiver.stop()
    added = ("webhooks.", "emails.")
    print(f"Purchases stream handlers, ms per record ({ORDERS} card orders: 2 order events each)")
    rows = [
        (name.rsplit(".", 2)[-2] + "." + name.rsplit(".", 1)[-1], *(f"{timings[n][name]:.2f}" for n in ENDPOINT_COUNTS))
        for name in names
    ]
    print_table(("handler", *(f"{n} endpoints" for n in ENDPOINT_COUNTS)), rows)
    for n in ENDPOINT_COUNTS:
        extra = sum(ms for name, ms in timings[n].items() if name.startswith(added))
        before = sum(ms for name, ms in timings[n].items() if not name.startswith(added))
        record("outbound", f"stream path added, {n} endpoints", {"ms_per_record": extra, "others_ms": before})
        print(f"  {n} endpoints: webhooks + emails add {extra:.2f} ms per record (the others take {before:.2f})")
    rate = handled / elapsed if elapsed else 0.0
    print(f"\nOne worker: {handled} messages (deliveries to a loopback receiver, and emails) in {elapsed:.1f} s")
    print_table(
        ("messages", "seconds", "messages/s", "ms per message"),
        [(str(handled), f"{elapsed:.1f}", f"{rate:.0f}", f"{1000 / rate if rate else 0:.1f}")],
    )
    record("outbound", "worker throughput, one worker", {"messages": handled, "per_second": rate})


if __name__ == "__main__":
    main()
