"""The stream poller killed (SIGKILL) in the middle of a batch and restarted: nothing lost, nothing twice.

Customers buy over HTTP from the API served by gunicorn while the poller
(`consume_streams --tables purchases`, small batches) runs as a separate process against
the session emulator, writing the data lake into this test's folder. The test freezes the
poller (SIGSTOP) and looks at the tables: if the poller has already moved the counters of
records its checkpoint does not yet cover, it is in the middle of a batch, and it is
killed there (SIGKILL, so no clean-up runs) and started again; otherwise it is thawed and
looked at again a moment later. The customers keep buying (up to a cap) until the poller has
been caught mid-batch often enough, however fast the machine runs it. Once the purchases stop
and the poller has caught up, the lake holds every line of every purchase exactly once, and
the best-seller and co-purchase counters equal what the purchases table says.
"""

import random
import threading
import time
import uuid
from collections import Counter
from itertools import permutations

import httpx
import pytest

from testing.waiting import wait_until

pytestmark = pytest.mark.slow

CUSTOMERS = 4
CHECKOUTS_PER_CUSTOMER = 8  # each customer's at least; more until the kills are done
MAX_CHECKOUTS_PER_CUSTOMER = 40
MID_BATCH_KILLS = 2
MAX_LOOKS = 1000
BATCH_SIZE = "4"
CHECKOUT_BODY = {
    "payment_method": "card",
    "shipping_address": {"line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013", "country": "ES"},
}


def _buy(
    api_url: str, headers: dict, book_ids: list[str], *, seed: int, errors: list, placed: list, enough: threading.Event
) -> None:
    """One customer's checkouts, one to three distinct books each (some lines of 2 copies).

    At least CHECKOUTS_PER_CUSTOMER, then more until `enough` is set (at most MAX_CHECKOUTS_PER_CUSTOMER).
    """
    rng = random.Random(seed)
    with httpx.Client(base_url=api_url, headers=headers, timeout=30) as client:
        for done in range(MAX_CHECKOUTS_PER_CUSTOMER):
            if done >= CHECKOUTS_PER_CUSTOMER and enough.is_set():
                return
            for book_id in rng.sample(book_ids, rng.randint(1, 3)):
                added = client.post("/api/v1/cart/add", json={"book_id": book_id, "quantity": rng.randint(1, 2)})
                if added.status_code != 200:
                    errors.append(added.text)
            response = client.post(
                "/api/v1/purchases/checkout", json=CHECKOUT_BODY, headers={"Idempotency-Key": str(uuid.uuid4())}
            )
            if response.status_code != 201:
                errors.append(response.text)
            placed.append(response)


def _checkpoints() -> list:
    from streams.models import StreamCheckpoint

    return list(StreamCheckpoint.scan(StreamCheckpoint.table == "purchases", consistent_read=True))


def _beyond(checkpoints: list) -> list[str]:
    """The purchase ids of the records the poller's current batch holds: the first after its checkpoint."""
    from bookstore.aws import client

    streams = client("dynamodbstreams")
    ids = []
    for checkpoint in checkpoints:
        position = {"ShardIteratorType": "TRIM_HORIZON"}
        if checkpoint.sequence_number:
            position = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": checkpoint.sequence_number}
        iterator = streams.get_shard_iterator(StreamArn=checkpoint.stream_arn, ShardId=checkpoint.shard_id, **position)
        records = streams.get_records(ShardIterator=iterator["ShardIterator"], Limit=int(BATCH_SIZE))["Records"]
        ids += [r["dynamodb"]["NewImage"]["purchase_id"]["S"] for r in records if r["eventName"] == "INSERT"]
    return ids


def _counted(tenant_id: str, purchase_id: str) -> bool:
    """Whether the sales counters already moved for this purchase (its marker exists)."""
    from catalog.models import SalesMarker

    try:
        SalesMarker.get(f"{tenant_id}#{purchase_id}#purchased#0", consistent_read=True)
    except SalesMarker.DoesNotExist:
        return False
    return True


def _truth(tenant_id: str) -> tuple[set, Counter, Counter]:
    """From the purchases table: every (purchase_id, line), units per book, purchases per ordered book pair."""
    from orders.models import Purchase

    lines, units, pairs = set(), Counter(), Counter()
    for purchase in Purchase.scan(Purchase.tenant_id == tenant_id, consistent_read=True):
        for line, item in enumerate(purchase.items, start=1):
            lines.add((purchase.purchase_id, line))
            units[item.book_id] += int(item.quantity)
        pairs.update(permutations(sorted({item.book_id for item in purchase.items}), 2))
    return lines, units, pairs


def test_a_poller_killed_mid_batch_loses_and_duplicates_nothing(
    streams_from_now, tmp_path, lake_dir, lake_rows, tenant, user_factory, book_factory, bearer, served_api,
    units_sold, bought_together, settings,
):  # fmt: skip
    from local_stack.processes import Stack

    book_ids = [book_factory(title=f"Kill volume {n}", stock_quantity=500).book_id for n in range(5)]
    customers = [user_factory(tenant, email=f"buyer{n}@kill.example.com") for n in range(CUSTOMERS)]
    stack = Stack(
        emulator_port=settings.EMULATOR_PORT,
        log_dir=tmp_path,
        extra_env={"ANALYTICS_LAKE_DIR": str(lake_dir), "STREAMS_BATCH_SIZE": BATCH_SIZE},
    )
    errors: list[str] = []
    placed: list = []
    enough = threading.Event()
    buyers = [
        threading.Thread(
            target=_buy,
            args=(served_api, bearer(c), book_ids),
            kwargs={"seed": n, "errors": errors, "placed": placed, "enough": enough},
        )
        for n, c in enumerate(customers)
    ]
    for buyer in buyers:
        buyer.start()
    wait_until(lambda: len(placed) >= CUSTOMERS, what="a backlog of checkouts before the poller starts")
    poller = stack.start_poller("--tables", "purchases")
    kills = looks = 0
    killed_at = None  # the checkpoints when the poller was last killed
    try:
        rng = random.Random(0)
        while kills < MID_BATCH_KILLS and looks < MAX_LOOKS:
            time.sleep(rng.uniform(0.02, 0.15))
            looks += 1
            poller.freeze()
            checkpoints = _checkpoints()
            position = [c.sequence_number for c in checkpoints]
            if position == killed_at:  # the restarted poller has not finished a batch yet: not its middle
                poller.thaw()
                continue
            pending = _beyond(checkpoints)
            if not pending and not any(buyer.is_alive() for buyer in buyers):
                poller.thaw()
                break  # nothing left to process: no batch to be caught in
            if any(_counted("tenant1", purchase_id) for purchase_id in pending):
                poller.kill()  # counters moved, checkpoint not: the middle of a batch
                kills += 1
                killed_at = position
                poller = stack.start_poller("--tables", "purchases")
            else:
                poller.thaw()
        enough.set()
        for buyer in buyers:
            buyer.join(120)
        assert errors == []
        assert kills == MID_BATCH_KILLS, f"the poller was never caught mid-batch in {looks} looks"

        lines, units, pairs = _truth("tenant1")
        assert len(lines) >= CUSTOMERS * CHECKOUTS_PER_CUSTOMER

        def caught_up() -> bool:
            import pyarrow

            try:
                in_lake = {(row["purchase_id"], row["line"]) for row in lake_rows()}
            except (pyarrow.ArrowException, OSError):  # a file being written right now
                return False
            return in_lake == lines and all(units_sold("tenant1", b) == units[b] for b in book_ids)

        wait_until(caught_up, what="the poller catching up: every line in the lake once, every counter moved")

        rows = lake_rows()
        written = Counter((row["purchase_id"], row["line"], row["event_type"]) for row in rows)
        assert [key for key, times in written.items() if times > 1] == []  # nothing twice
        assert set(written) == {(purchase_id, line, "purchased") for purchase_id, line in lines}  # nothing lost
        assert {book_id: units_sold("tenant1", book_id) for book_id in book_ids} == {b: units[b] for b in book_ids}
        assert {(a, b): bought_together("tenant1", a, b) for a in book_ids for b in book_ids if a != b} == {
            (a, b): pairs[(a, b)] for a in book_ids for b in book_ids if a != b
        }
    finally:
        enough.set()
        poller.stop()
