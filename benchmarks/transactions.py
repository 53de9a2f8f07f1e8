"""Latency of TransactWriteItems on the local emulator, before and after our moto fixes.

Sends 8-action transactions (4 conditional stock updates, 3 conditional order
puts, 1 condition check; all commit) to moto's threaded server, on tables of
100, 1,000 and 10,000 items with a NEW_AND_OLD_IMAGES stream. Each size is
measured twice: right after seeding (one stream record per item) and after
STREAM_FILL more records, since unpatched moto copies every stream record.

    python -m benchmarks.transactions                 # unpatched, then patched
    python -m benchmarks.transactions --patched-only

``install()`` patches moto's classes for the whole process and cannot be
undone, so the unpatched rows are measured first, in the same process and
against the same server, before it is called. Unpatched moto copies whole
tables per action; a measurement stops after about a minute (BUDGET_S) and is
reported as "skipped" when not even MIN_SAMPLES transactions fit.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config
from moto.server import ThreadedMotoServer

from local_stack import dynamodb_transactions

SIZES = (100, 1_000, 10_000)
STREAM_FILL = 20_000
REPEATS = 15
MIN_SAMPLES = 3
BUDGET_S = 60.0  # per measurement; only unpatched moto comes near it
# Records one committed benchmark transaction appends: 4 MODIFY, 3 INSERT.
RECORDS_PER_TRANSACTION = 7
BATCH = 25  # BatchWriteItem's limit


@dataclass(frozen=True)
class Row:
    variant: str  # "unpatched" or "patched"
    items: int
    phase: str  # "seeded": one record per item; "filled": STREAM_FILL more
    stream_records: int  # in the stream when the measurement started
    median_ms: float | None  # None: skipped, over the time budget
    samples: int


def _client(endpoint: str) -> Any:
    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="benchmark",
        aws_secret_access_key="benchmark",
        # An unpatched transaction on a big table can take tens of seconds.
        config=Config(retries={"total_max_attempts": 1}, read_timeout=600),
    )


def _key(pk: str) -> dict[str, dict[str, str]]:
    return {"pk": {"S": pk}, "sk": {"S": "META"}}


def _create_table(dynamodb: Any, items: int) -> str:
    name = f"bench-{uuid.uuid4().hex[:8]}"
    dynamodb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    _write_books(dynamodb, name, items)
    return name


def _write_books(dynamodb: Any, table: str, count: int, books: int | None = None) -> None:
    """Put `count` book items, cycling over the first `books` keys (default: all new)."""
    books = books or count
    for start in range(0, count, BATCH):
        puts = [
            {"PutRequest": {"Item": _key(f"BOOK#{n % books}") | {"stock": {"N": "1000000"}, "title": {"S": "t" * 40}}}}
            for n in range(start, min(start + BATCH, count))
        ]
        dynamodb.batch_write_item(RequestItems={table: puts})


def _transaction(table: str, items: int, n: int) -> list[dict[str, Any]]:
    """The n-th benchmark transaction: buy 4 books, record 3 order lines, check 1 book."""
    books = [f"BOOK#{(n * 5 + i) % items}" for i in range(5)]
    one = {":one": {"N": "1"}}
    updates = [
        {
            "Update": {
                "TableName": table,
                "Key": _key(book),
                "UpdateExpression": "SET stock = stock - :one",
                "ConditionExpression": "stock >= :one",
                "ExpressionAttributeValues": one,
            }
        }
        for book in books[:4]
    ]
    puts = [
        {
            "Put": {
                "TableName": table,
                "Item": _key(f"ORDER#{uuid.uuid4()}"),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
        for _ in range(3)
    ]
    check = {
        "ConditionCheck": {"TableName": table, "Key": _key(books[4]), "ConditionExpression": "attribute_exists(pk)"}
    }
    return [*updates, *puts, check]


def _median_ms(send: Callable[[int], None]) -> tuple[float | None, int]:
    """Median latency of `send(n)` over REPEATS calls, fewer if they take over BUDGET_S.

    Returns (None, 1) when the first call shows MIN_SAMPLES would not fit.
    """
    samples: list[float] = []
    deadline = time.perf_counter() + BUDGET_S
    for n in range(REPEATS):
        started = time.perf_counter()
        send(n)
        samples.append(time.perf_counter() - started)
        if len(samples) == 1 and samples[0] * MIN_SAMPLES > BUDGET_S:
            return None, 1
        if len(samples) >= MIN_SAMPLES and time.perf_counter() + samples[-1] > deadline:
            break
    return statistics.median(samples) * 1000, len(samples)


def _measure_variant(dynamodb: Any, variant: str, sizes: Sequence[int]) -> list[Row]:
    rows = []
    for items in sizes:
        table = _create_table(dynamodb, items)
        stream_records = items
        sent = 0
        for phase, fill in (("seeded", 0), ("filled", STREAM_FILL)):
            # Overwrites of existing books: the table keeps its size, the stream grows.
            _write_books(dynamodb, table, fill, books=items)
            stream_records += fill

            def send(n: int, table: str = table, items: int = items, offset: int = sent) -> None:
                dynamodb.transact_write_items(TransactItems=_transaction(table, items, offset + n))

            median_ms, samples = _median_ms(send)
            rows.append(Row(variant, items, phase, stream_records, median_ms, samples))
            sent += samples
            stream_records += samples * RECORDS_PER_TRANSACTION
        dynamodb.delete_table(TableName=table)
    return rows


def run(sizes: Sequence[int] = SIZES, unpatched: bool | None = None) -> list[Row]:
    """Measure on a fresh emulator: unpatched moto first, then patched.

    Unpatched rows need a process in which ``install()`` has not run yet.
    ``unpatched=None`` measures them only if that is still the case; ``True``
    raises ``RuntimeError`` if it is not.
    """
    if unpatched is None:
        unpatched = not dynamodb_transactions.is_installed()
    elif unpatched and dynamodb_transactions.is_installed():
        raise RuntimeError("unpatched moto can only be measured before install() runs in this process")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        dynamodb = _client(f"http://{host}:{port}")
        rows = _measure_variant(dynamodb, "unpatched", sizes) if unpatched else []
        dynamodb_transactions.install()
        return rows + _measure_variant(dynamodb, "patched", sizes)
    finally:
        server.stop()


def _format(rows: Sequence[Row]) -> str:
    unpatched = {(row.items, row.phase): row for row in rows if row.variant == "unpatched"}
    lines = [
        f"8-action TransactWriteItems, median ms of up to {REPEATS} transactions (n = samples)",
        f"{'items':>7} {'stream records':>15} {'unpatched':>16} {'patched':>14}",
    ]
    for row in rows:
        if row.variant == "patched":
            before = unpatched.get((row.items, row.phase))
            lines.append(f"{row.items:>7,} {row.stream_records:>15,} {_cell(before):>16} {_cell(row):>14}")
    return "\n".join(lines)


def _cell(row: Row | None) -> str:
    if row is None:
        return "-"
    if row.median_ms is None:
        return "skipped"
    return f"{row.median_ms:,.1f} (n={row.samples})"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patched-only", action="store_true", help="skip the slow unpatched measurements")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="table sizes in items")
    args = parser.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    from benchmarks.harness import record

    rows = run(args.sizes, unpatched=not args.patched_only)
    print(_format(rows))
    for row in rows:
        if row.median_ms is not None:
            record("emulator transactions", f"{row.variant}, {row.items:,} items, {row.phase}", row.median_ms)


if __name__ == "__main__":
    main()
