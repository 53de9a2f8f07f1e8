"""What the emulator's write journal costs: the latency it adds to a write, and a start's replay of 10,000 writes.

    python -m benchmarks.journal

Against the patched emulator in this process (`local_stack.emulator`), on a table of its own:

- write latency, journal off and on: PutItem and a 3-action TransactWriteItems (a checkout's
  shape), in alternating blocks so that both see the same machine; the median of each, and
  the difference, which is what the journal adds (an `fdatasync` of one line under the lock);
- the replay: REPLAYED writes (puts and ADD updates) are journaled, the emulator's tables are
  dropped, and `Journal.replay` rebuilds them, as `make run` does at start; its time, and the
  bytes the journal held per write;
- the snapshot's pause: how long `Journal.capture` holds every request while it copies the
  tables the replay rebuilt.

Writes lost per crash follow from the figures: with the journal, none that were answered (a
write is on disk before its answer leaves, `local_stack/tests/test_durability.py` crashes a run
under checkouts); with snapshots alone, every write since the last snapshot, on average half
of LOCAL_SNAPSHOT_INTERVAL_SECONDS (300 s) times the write rate.
"""

import statistics
import tempfile
import time
import uuid
from functools import partial
from pathlib import Path

import boto3
from botocore.config import Config
from moto.dynamodb.models import dynamodb_backends

from benchmarks.harness import print_table, record
from local_stack.emulator import start_emulator
from local_stack.journal import Journal

BLOCKS = 10
WRITES_PER_BLOCK = 100
REPLAYED = 10_000
SNAPSHOT_INTERVAL_SECONDS = 300  # LOCAL_SNAPSHOT_INTERVAL_SECONDS' default


def _client(endpoint: str):
    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
        config=Config(retries={"max_attempts": 1}),
    )


def _create(client, table: str) -> None:
    client.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )


def _put(client, table: str, n: int) -> None:
    item = {"pk": {"S": f"item-{n}"}, "title": {"S": "x" * 200}, "price": {"N": "19.99"}, "stock": {"N": "100"}}
    client.put_item(TableName=table, Item=item)


def _transaction(client, table: str, n: int) -> None:
    client.transact_write_items(
        TransactItems=[
            {"Update": {"TableName": table, "Key": {"pk": {"S": f"item-{n % 50}"}},
                        "UpdateExpression": "ADD stock :minus", "ExpressionAttributeValues": {":minus": {"N": "-1"}}}},
            {"Put": {"TableName": table, "Item": {"pk": {"S": f"order-{uuid.uuid4()}"}, "total": {"N": "19.99"}}}},
            {"Put": {"TableName": table, "Item": {"pk": {"S": f"key-{uuid.uuid4()}"}},
                     "ConditionExpression": "attribute_not_exists(pk)"}},
        ]
    )  # fmt: skip


def _timed(action) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def latencies(client, table: str, journal: Journal) -> dict[tuple[str, bool], list[float]]:
    """Per (write, journal on): the milliseconds of every write, in alternating blocks."""
    samples: dict[tuple[str, bool], list[float]] = {}
    n = 0
    for block in range(BLOCKS * 2):
        on = block % 2 == 1
        if on:
            journal.attach()
        for _ in range(WRITES_PER_BLOCK):
            n += 1
            samples.setdefault(("PutItem", on), []).append(_timed(partial(_put, client, table, n)))
            samples.setdefault(("TransactWriteItems", on), []).append(_timed(partial(_transaction, client, table, n)))
        if on:
            journal.detach()
    return samples


def replay(client, emulator, directory: Path) -> tuple[float, int, int]:
    """(seconds, writes replayed, journal bytes) for a start that replays REPLAYED journaled writes."""
    table = f"replayed-{uuid.uuid4().hex[:8]}"
    journal = Journal(directory=directory)
    journal.attach()
    _create(client, table)
    for n in range(REPLAYED - 1):
        if n % 2:
            client.update_item(
                TableName=table,
                Key={"pk": {"S": f"item-{n // 4}"}},
                UpdateExpression="ADD stock :one",
                ExpressionAttributeValues={":one": {"N": "1"}},
            )
        else:
            _put(client, table, n)
    journal.detach()
    size = sum(path.stat().st_size for _, path in journal.segments())
    for account in dynamodb_backends.values():
        for backend in account.values():
            backend.reset()
    started = time.perf_counter()
    replayed = journal.replay()
    seconds = time.perf_counter() - started
    assert not replayed.refused, replayed.summary()
    return seconds, replayed.applied, size


def capture_pause(directory: Path) -> tuple[float, int]:
    """(milliseconds, items): how long a snapshot holds every request while it copies the emulator's tables."""
    journal = Journal(directory=directory)
    started = time.perf_counter()
    captured = journal.capture()
    return (time.perf_counter() - started) * 1000, sum(len(lines) for lines in captured.tables.values())


def main() -> None:
    emulator = start_emulator(port=0)
    host, port = emulator.get_host_and_port()
    client = _client(f"http://{host}:{port}")
    table = f"latency-{uuid.uuid4().hex[:8]}"
    _create(client, table)
    with tempfile.TemporaryDirectory() as scratch:
        samples = latencies(client, table, Journal(directory=Path(scratch) / "latency"))
        seconds, applied, size = replay(client, emulator, Path(scratch) / "replay")
        pause_ms, items = capture_pause(Path(scratch) / "capture")
    emulator.stop()

    rows = []
    for write in ("PutItem", "TransactWriteItems"):
        off, on = statistics.median(samples[(write, False)]), statistics.median(samples[(write, True)])
        rows.append((write, f"{off:.2f}", f"{on:.2f}", f"{on - off:+.2f}"))
        record("journal", f"{write} p50, journal off (ms)", round(off, 2))
        record("journal", f"{write} p50, journal on (ms)", round(on, 2))
        record("journal", f"{write} p50 added by the journal (ms)", round(on - off, 2))
    print_table(("write", "p50 off (ms)", "p50 on (ms)", "added (ms)"), rows)
    rate = applied / seconds
    print(f"\nReplay of {applied:,} journaled writes: {seconds:.1f} s ({rate:,.0f} writes/s)")
    print(f"Journal: {size / applied:.0f} bytes per write")
    record("journal", f"start: replay of {applied:,} writes (s)", round(seconds, 2))
    record("journal", "journal bytes per write", round(size / applied))
    print(f"Snapshot: requests held {pause_ms:.0f} ms while {items:,} items were copied from memory")
    record("journal", f"snapshot: requests held while {items:,} items are copied (ms)", round(pause_ms))
    put_rate = 1000 / statistics.median(samples[("PutItem", True)])
    lost = put_rate * SNAPSHOT_INTERVAL_SECONDS / 2
    print(
        f"Writes lost per crash: with the journal, no answered write; with snapshots alone, on average half of "
        f"{SNAPSHOT_INTERVAL_SECONDS} s of writes: {lost:,.0f} at one client's write rate ({put_rate:,.0f}/s)."
    )
    record("journal", f"snapshot-only writes lost per crash at {put_rate:,.0f} writes/s (mean)", round(lost))


if __name__ == "__main__":
    main()
