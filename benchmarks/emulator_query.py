"""The emulator's Query alone, moto's own against ours, at 1,000, 10,000 and 100,000 items.

Two emulators run side by side, each in its own process: moto's server as shipped
(`python -m moto.server`) and ours (`python -m local_stack.emulator`, with
local_stack/dynamodb_query.py). boto3 talks to them straight, without Django. Both get the
same table, shaped like the books table: one item per book under its own partition key, a
listing GSI (`{tenant}#CATALOG` → created) and a category GSI (category → price),
plus a few users' cart partitions. One tenant keeps 300 books at every size; another holds
the rest, so the small tenant's listing shows what the other tenants' catalogues cost it.

    python -m benchmarks.emulator_query                    # 1k, 10k, 100k; both emulators
    python -m benchmarks.emulator_query --sizes 1000 10000
    python -m benchmarks.emulator_query --patched-only

Per size and emulator, the p50 of:
  - listing: the small tenant's GSI listing, Limit 20 (`GET books` page 1);
  - listing (big tenant) and its page 2 by LastEvaluatedKey (`GET books` page 2);
  - partition: one user's 20-line cart partition, base-table Query;
and the emulator's resident memory (RSS) after seeding and after the queries (ours builds
its ordered index on the first Query of each index; that first Query's time is reported as
"first query"). Goal: ours at 100,000 items within 1.5x of ours at 1,000. Seeding uses
BatchWriteItem straight to each server, both servers in parallel.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from benchmarks.harness import print_table, record

SIZES = (1_000, 10_000, 100_000)
SMALL_TENANT_BOOKS = 300
CART_USERS = 5
CART_LINES = 20
BATCH = 25  # BatchWriteItem's limit
SAMPLES = 30
BUDGET_S = 30.0  # per query kind and emulator; moto's own needs seconds per Query at 100k
MIN_SAMPLES = 3


@dataclass
class Emulator:
    name: str
    process: subprocess.Popen
    client: Any

    def rss_mib(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(name: str, command: list[str], port: int) -> Emulator:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = boto3.client(
        "dynamodb",
        endpoint_url=f"http://127.0.0.1:{port}",
        region_name="us-east-1",
        aws_access_key_id="benchmark",
        aws_secret_access_key="benchmark",
        config=Config(retries={"total_max_attempts": 1}, read_timeout=600, max_pool_connections=4),
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            client.list_tables()
            return Emulator(name, process, client)
        except Exception:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise
            time.sleep(0.2)


def start_emulators(patched_only: bool) -> list[Emulator]:
    emulators = []
    if not patched_only:
        port = _free_port()
        emulators.append(
            _start("moto", [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], port)
        )
    port = _free_port()
    emulators.append(_start("ours", [sys.executable, "-m", "local_stack.emulator", "--port", str(port)], port))
    return emulators


def create_table(client: Any) -> str:
    name = f"bench-books-{uuid.uuid4().hex[:8]}"
    client.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": name_, "AttributeType": kind}
            for name_, kind in (
                ("pk", "S"),
                ("sk", "S"),
                ("catalog", "S"),
                ("created", "S"),
                ("category", "S"),
                ("price", "N"),
            )
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "catalog_newest",
                "KeySchema": [
                    {"AttributeName": "catalog", "KeyType": "HASH"},
                    {"AttributeName": "created", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            },
            {
                "IndexName": "category_price",
                "KeySchema": [
                    {"AttributeName": "category", "KeyType": "HASH"},
                    {"AttributeName": "price", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            },
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


def _book(n: int) -> dict[str, Any]:
    tenant = "small" if n < SMALL_TENANT_BOOKS else "big"
    return {
        "pk": {"S": f"{tenant}#book-{n:07d}"},
        "sk": {"S": "BOOK"},
        "catalog": {"S": f"{tenant}#CATALOG"},
        "created": {"S": f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:00:00Z#{n:07d}"},
        "category": {"S": f"{tenant}#CATEGORY#{n % 12}"},
        "price": {"N": f"{5 + n % 60}.{n % 100:02d}"},
        "title": {"S": f"Book number {n}"},
        "author": {"S": f"Author {n % 500}"},
        "description": {"S": "A book about things. " * 8},
        "stock": {"N": str(n % 17)},
        "language": {"S": ["es", "en"][n % 2]},
    }


def _cart_line(user: int, line: int) -> dict[str, Any]:
    return {
        "pk": {"S": f"small#user-{user}"},
        "sk": {"S": f"CART#book-{line:07d}"},
        "quantity": {"N": str(1 + line % 3)},
    }


def seed(client: Any, table: str, items: int) -> float:
    """Write `items` books and the cart partitions; the seconds it took."""
    started = time.perf_counter()
    rows = [_book(n) for n in range(items)]
    rows += [_cart_line(user, line) for user in range(CART_USERS) for line in range(CART_LINES)]
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        client.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": item}} for item in batch]})
    return time.perf_counter() - started


def _listing(client: Any, table: str, tenant: str, start_key: dict | None = None) -> dict[str, Any]:
    return client.query(
        TableName=table,
        IndexName="catalog_newest",
        KeyConditionExpression="catalog = :c",
        ExpressionAttributeValues={":c": {"S": f"{tenant}#CATALOG"}},
        ScanIndexForward=False,
        Limit=20,
        **({"ExclusiveStartKey": start_key} if start_key else {}),
    )


def _partition(client: Any, table: str) -> dict[str, Any]:
    return client.query(
        TableName=table,
        KeyConditionExpression="pk = :p AND begins_with(sk, :cart)",
        ExpressionAttributeValues={":p": {"S": "small#user-1"}, ":cart": {"S": "CART#"}},
    )


QUERIES = ("listing", "listing (big tenant)", "page 2", "partition")


def queries(client: Any, table: str) -> dict[str, Any]:
    """The measured queries against one table, each a no-argument callable."""
    cursor = _listing(client, table, "big")["LastEvaluatedKey"]
    return {
        "listing": lambda: _listing(client, table, "small"),
        "listing (big tenant)": lambda: _listing(client, table, "big"),
        "page 2": lambda: _listing(client, table, "big", cursor),
        "partition": lambda: _partition(client, table),
    }


def _timed_ms(action: Any) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def first_queries(emulator: Emulator, table: str) -> dict[str, Any]:
    """The first Query of each index (ours sorts that index then) and the memory around it."""
    client = emulator.client
    rss_seeded = emulator.rss_mib()
    figures = {"first query": _timed_ms(lambda: _listing(client, table, "small"))}
    assert _listing(client, table, "small")["Count"] == 20
    assert _partition(client, table)["Count"] == CART_LINES
    figures["rss seeded"] = rss_seeded
    figures["rss queried"] = emulator.rss_mib()
    return figures


def sample(runs: dict[tuple[str, int], dict[str, Any]]) -> dict[tuple[str, int, str], list[float]]:
    """Time every query of every (emulator, size) in rounds, so machine load hits all sizes alike.

    A (emulator, size, query) drops out after SAMPLES runs, or after BUDGET_S of its own time once
    it has MIN_SAMPLES (moto's own server needs seconds per Query at 100,000 items).
    """
    times: dict[tuple[str, int, str], list[float]] = {
        (name, size, query): [] for (name, size), actions in runs.items() for query in actions
    }
    while True:
        pending = [
            key
            for key, taken in times.items()
            if len(taken) < SAMPLES and (len(taken) < MIN_SAMPLES or sum(taken) < BUDGET_S * 1000)
        ]
        if not pending:
            return times
        for name, size, query in pending:
            times[(name, size, query)].append(_timed_ms(runs[(name, size)][query]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="Table sizes (items) to measure.")
    parser.add_argument("--patched-only", action="store_true", help="Measure only our emulator, not moto's own.")
    args = parser.parse_args()

    emulators = start_emulators(args.patched_only)
    firsts: dict[tuple[str, int], dict[str, Any]] = {}
    runs: dict[tuple[str, int], dict[str, Any]] = {}
    try:
        for size in sorted(args.sizes):
            tables = {emulator.name: create_table(emulator.client) for emulator in emulators}
            rss_before = {emulator.name: emulator.rss_mib() for emulator in emulators}
            with ThreadPoolExecutor(len(emulators)) as pool:
                seeded = list(
                    pool.map(seed, [e.client for e in emulators], [tables[e.name] for e in emulators], [size] * 2)
                )
            print(
                f"seeded {size:,} items: "
                + ", ".join(f"{e.name} {s:.0f} s" for e, s in zip(emulators, seeded, strict=True)),
                flush=True,
            )
            for emulator in emulators:
                figures = first_queries(emulator, tables[emulator.name])
                figures["rss before"] = rss_before[emulator.name]
                firsts[(emulator.name, size)] = figures
                runs[(emulator.name, size)] = queries(emulator.client, tables[emulator.name])
        times = sample(runs)
    finally:
        for emulator in emulators:
            emulator.stop()

    p50 = {key: statistics.median(taken) for key, taken in times.items()}
    rows = []
    for (name, size), figures in firsts.items():
        rows.append(
            (
                name,
                f"{size:,}",
                *(f"{p50[(name, size, query)]:,.1f}" for query in QUERIES),
                f"{min(len(times[(name, size, query)]) for query in QUERIES)}",
                f"{figures['first query']:,.0f}",
                f"{figures['rss seeded'] - figures['rss before']:,.0f}",
                f"{figures['rss queried'] - figures['rss seeded']:,.0f}",
            )
        )
    print()
    print_table(
        (
            "emulator",
            "items",
            "listing p50 ms",
            "big tenant p50 ms",
            "page 2 p50 ms",
            "partition p50 ms",
            "samples",
            "first query ms",
            "RSS + seeding MiB",
            "RSS + first queries MiB",
        ),
        rows,
    )
    print(
        "\nRSS + seeding: the emulator's growth while the items were written; + first queries: its growth"
        "\nover the first Query of each index (ours sorts the index then). Every size's table stays loaded."
    )
    for (name, size, query), value in p50.items():
        if query != "listing (big tenant)":
            record("emulator_query", f"{name} {query} p50 at {size:,} items (ms)", round(value, 2))
    for (name, size), figures in firsts.items():
        seeding = figures["rss seeded"] - figures["rss before"]
        ordering = figures["rss queried"] - figures["rss seeded"]
        record(
            "emulator_query",
            f"{name} RSS growth at {size:,} items: seeding, first queries (MiB)",
            f"{seeding:,.0f}, {ordering:,.0f}",
        )
    smallest, largest = min(args.sizes), max(args.sizes)
    if smallest != largest:
        for query in ("listing", "page 2", "partition"):
            ratio = p50[("ours", largest, query)] / p50[("ours", smallest, query)]
            verdict = "met" if ratio <= 1.5 else "NOT met"
            print(
                f"ours: {query} p50 at {largest:,} items is {ratio:.2f}x its p50 at {smallest:,} (goal 1.5x: {verdict})"
            )
            record("emulator_query", f"ours {query} p50 {largest:,} / {smallest:,} items", round(ratio, 2))


if __name__ == "__main__":
    main()
