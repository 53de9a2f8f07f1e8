"""What every benchmark shares: the in-process stack, DynamoDB call counting, and the table printer.

The stack is the one the tests use: Django with the test settings, the patched emulator on a
free loopback port, real HTTP between PynamoDB and the emulator. Nothing in the app is patched;
calls are counted with botocore's `before-parameter-build` event, emitted once per API call
(retries are not extra calls), on the client of every registered model and of the transaction
connection.
"""

import os
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager


class CallCounter:
    """Counts DynamoDB API calls by operation, table and index, through botocore's event hooks."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    def attach(self, client) -> None:
        client.meta.events.register("before-parameter-build.dynamodb", self._on_call)

    def _on_call(self, params, model, **kwargs) -> None:
        from django.conf import settings

        tables = [params["TableName"]] if "TableName" in params else []
        tables += params.get("RequestItems", {}).keys()
        tables += [action[kind]["TableName"] for action in params.get("TransactItems", []) for kind in action]
        names = sorted({t.removeprefix(settings.DYNAMODB_TABLE_PREFIX) for t in tables})
        index = f"/{params['IndexName']}" if "IndexName" in params else ""
        self.calls[f"{model.name} {'+'.join(names)}{index}"] += 1

    def measure(self, action: Callable[[], object]) -> tuple[Counter[str], float]:
        """Run `action`; return the calls it made and its wall time in ms."""
        self.calls.clear()
        started = time.perf_counter()
        action()
        return Counter(self.calls), (time.perf_counter() - started) * 1000


def describe(calls: Counter[str]) -> str:
    """`2x Query books, TransactWriteItems ...`: the calls of one request, for a table cell."""
    return ", ".join(f"{n}x {op}" if n > 1 else op for op, n in sorted(calls.items()))


@contextmanager
def emulated_stack(read_timeout_seconds: int = 60) -> Iterator[CallCounter]:
    """Django set up with the test settings, the patched emulator running, tables created.

    Requests are measured as in a warm Lambda container: the tenant lookup is cached
    (a cold container adds one GetItem on tenants to its first request).
    `read_timeout_seconds` replaces the app's DynamoDB read timeout (10 s) in this process,
    before any client exists: the emulator answers one request at a time and sorts an index on
    its first Query (local_stack/dynamodb_query.py), so on a busy shared machine a single call
    can take longer than DynamoDB ever would. It changes no figure, only whether a slow call fails.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookstore.settings.test")
    import django

    django.setup()
    import logging

    from django.conf import settings
    from django.test import override_settings
    from django.test.utils import setup_test_environment

    from bookstore.dynamodb.base import TableMeta, connection

    TableMeta.read_timeout_seconds = read_timeout_seconds
    from bookstore.dynamodb.registry import create_tables, registered_models
    from local_stack.emulator import start_emulator

    setup_test_environment()  # lets the test client's "testserver" host through ALLOWED_HOSTS
    logging.getLogger("django.request").setLevel(logging.ERROR)  # expected 409s are not news
    server = start_emulator(port=settings.EMULATOR_PORT)
    try:
        create_tables()
        counter = CallCounter()
        for model in registered_models():
            counter.attach(model._get_connection().connection.client)
        counter.attach(connection().client)
        with override_settings(TENANT_CACHE_SECONDS=300):
            yield counter
    finally:
        server.stop()


def client_for_new_user(tenant_id: str, email: str, role: str = "customer"):
    """An API client holding a fresh token of a new user of `tenant_id`."""
    from rest_framework.test import APIClient

    from accounts.services import user_create
    from accounts.tokens import tokens_for_user

    user = user_create(tenant_id=tenant_id, email=email, password="bench-pass-123", role=role)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_for_user(user)['access']}")
    return client


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A plain-text table with a rule under the header."""
    table = [tuple(header), *(tuple(row) for row in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for i, line in enumerate(table):
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())
        if i == 0:
            print("  ".join("-" * width for width in widths))


def format_value(value) -> str:
    """One figure's value as a table cell (the combined table, docs/performance/results/)."""
    if isinstance(value, dict) and "grows" in value:  # harness.record_round_trips
        note = f" ({value['note']})" if value.get("note") else ""
        return f"{value['small']} → {value['large']} calls, grows? {'YES' if value['grows'] else 'no'}{note}"
    if isinstance(value, dict):
        return ", ".join(f"{k} {format_value(v)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 10 else f"{value:,.1f}" if abs(value) < 100 else f"{value:,.0f}"
    return str(value)


FIGURES_ENV = "BENCH_FIGURES"


def record(part: str, figure: str, value) -> None:
    """Add one figure to the combined table of `make bench` (a no-op when a part runs alone)."""
    import json

    path = os.environ.get(FIGURES_ENV)
    if not path:
        return
    with open(path, "a") as out:
        out.write(json.dumps({"part": part, "figure": figure, "value": value}, default=str) + "\n")


def record_round_trips(request: str, sizes: tuple[str, str], calls: tuple[int, int], note: str = "") -> None:
    """One endpoint's DynamoDB calls at the small and the large data size, flagged when the count grows."""
    value = {"small": calls[0], "large": calls[1], "grows": calls[1] > calls[0]}
    if note:
        value["note"] = note
    record("round trips", f"{request} ({sizes[0]} → {sizes[1]})", value)
