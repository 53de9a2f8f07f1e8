"""Load over HTTP: p50, p99 and requests per second at concurrency 1, 8 and 32; errors and oversold copies.

    python -m benchmarks.load

The stack runs as separate processes, as production-like as loopback allows: the patched
emulator, noida-db (the search engine, the tenant's books indexed by `rebuild_search_index`),
the API served by gunicorn with 2 workers (settings `bookstore.settings.local`, DEBUG off,
the tenant cache on), and the stream poller following every write. The load
generator (benchmarks/loadgen.py, httpx, one thread per client) is one more process per
run, bounded by REQUESTS measured requests and SECONDS of wall time. Then 32 buyers race
for a book with OVERSELL_STOCK copies: oversold = copies sold beyond the stock, which must
be 0, and every refusal must be a 409.
"""

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.harness import print_table, record
from local_stack.processes import Stack, free_port

CONCURRENCIES = (1, 8, 32)
REQUESTS = 300
SECONDS = 10.0
SEED_BOOKS = 1_000
OVERSELL_STOCK = 10
TENANT = "bench-load"
ADMIN = ("admin@bench-load.example.com", "bench-load-admin-pass")
ENV = {
    "DJANGO_DEBUG": "false",
    "REGISTER_THROTTLE_IP_ATTEMPTS": "100000",
    "STREAMS_POLL_INTERVAL_SECONDS": "0.5",
}


def _loadgen(spec: dict) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as spec_file:
        json.dump(spec, spec_file)
    out = subprocess.run([sys.executable, "-m", "benchmarks.loadgen", spec_file.name], capture_output=True, text=True)
    Path(spec_file.name).unlink()
    if out.returncode:
        raise RuntimeError(out.stderr)
    return json.loads(out.stdout)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _world(base_url: str, stack: Stack) -> dict:
    """The shop: seeded books, an admin, 32 customers with tokens, a plentiful and a scarce book."""
    import httpx

    stack.manage("create_tables")
    stack.manage(
        "create_tenant",
        TENANT,
        "--name",
        "Bench",
        "--plan",
        "premium",
        "--admin-email",
        ADMIN[0],
        "--admin-password",
        ADMIN[1],
    )
    stack.manage("seed_catalog", "--tenant", TENANT, "--target", str(SEED_BOOKS), "--seed", "0")
    stack.manage("rebuild_search_index", "--tenant", TENANT)
    with httpx.Client(base_url=base_url, timeout=60) as client:
        login = {"email": ADMIN[0], "password": ADMIN[1], "tenant_id": TENANT}
        admin = {"Authorization": f"Bearer {client.post('/api/v1/users/login', json=login).json()['access']}"}

        def book(isbn: str, stock: int) -> str:
            body = {"isbn": isbn, "title": f"Load {isbn}", "author": "Bench", "category": "Fiction", "price": "5.00"}
            response = client.post("/api/v1/books", headers=admin, json={**body, "stock_quantity": stock})
            response.raise_for_status()
            return response.json()["book_id"]

        tokens = []
        for n in range(max(CONCURRENCIES)):
            user = {"email": f"load{n}@example.com", "password": "load-user-password", "tenant_id": TENANT}
            client.post("/api/v1/users/register", json=user).raise_for_status()
            tokens.append(client.post("/api/v1/users/login", json=user).json()["access"])
        search = client.get("/api/v1/books/search", params={"q": "amor"}, headers={"X-Tenant-ID": TENANT})
        if search.status_code != 200 or not search.json()["results"]:
            raise RuntimeError(f"GET books/search does not answer: {search.status_code} {search.text[:300]}")
        return {
            "tokens": tokens,
            "plenty": book("9780306406157", 1_000_000),
            "scarce": book("9781861972712", OVERSELL_STOCK),
            "admin": admin,
        }


def _scenarios(world: dict) -> list[tuple[str, dict]]:
    public = {"tenant_id": TENANT}
    mine = {"tokens": world["tokens"]}
    search = {"scenario": "get", "path": "/api/v1/books/search", "params": {"q": "amor"}}
    return [
        ("GET books", {**public, "scenario": "get", "path": "/api/v1/books", "params": {"limit": 20}}),
        ("GET books/search", {**public, **search}),
        ("GET cart", {**mine, "scenario": "get", "path": "/api/v1/cart"}),
        ("POST cart/add", {**mine, "scenario": "cart_add", "book_id": world["plenty"]}),
        ("POST purchases/checkout", {**mine, "scenario": "checkout", "book_id": world["plenty"]}),
    ]


def run() -> tuple[list[tuple[str, ...]], dict]:
    import httpx

    from local_stack.search_engine import start_search_engine

    with tempfile.TemporaryDirectory(prefix="bench-load-") as logs:
        search_port = free_port()
        env = {
            **ENV,
            "SEARCH_PORT": str(search_port),
            "ELASTICSEARCH_URL": f"http://127.0.0.1:{search_port}",
            "LOCAL_STATE_DIR": logs,  # the poller's lake, and no `make run` stack file to read
        }
        stack = Stack(
            emulator_port=free_port(), settings_module="bookstore.settings.local", extra_env=env, log_dir=Path(logs)
        )
        engine = start_search_engine(port=search_port, data_dir=Path(logs) / "noida-db")
        emulator = api = poller = None
        try:
            emulator = stack.start_emulator()
            api = stack.serve_api(workers=2)
            world = _world(api.url, stack)
            poller = stack.start_poller()
            rows, errors = [], 0
            for name, spec in _scenarios(world):
                for concurrency in CONCURRENCIES:
                    result = _loadgen(
                        {
                            **spec,
                            "base_url": api.url,
                            "concurrency": concurrency,
                            "requests": REQUESTS,
                            "seconds": SECONDS,
                        }
                    )
                    latencies, failed = result["latencies_ms"], sum(result["failures"].values())
                    errors += failed
                    rps = len(latencies) / result["wall_s"]
                    p50 = statistics.median(latencies) if latencies else float("nan")
                    p99 = _percentile(latencies, 0.99)
                    rows.append(
                        (
                            name,
                            str(concurrency),
                            str(len(latencies)),
                            f"{p50:.0f}",
                            f"{p99:.0f}",
                            f"{rps:.0f}",
                            str(failed),
                        )
                    )
                    record(
                        "load", f"{name} c={concurrency}", {"p50_ms": p50, "p99_ms": p99, "rps": rps, "errors": failed}
                    )
                    if result["failures"]:
                        print(f"{name} c={concurrency} failures: {result['failures']}", file=sys.stderr)
            for token in world["tokens"]:  # every buyer holds a copy in the cart, then all check out at once
                response = httpx.post(
                    f"{api.url}/api/v1/cart/add",
                    json={"book_id": world["scarce"], "quantity": 1},
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=60,
                )
                response.raise_for_status()
            race = _loadgen(
                {"tokens": world["tokens"], "scenario": "checkout", "book_id": world["scarce"], "base_url": api.url,
                 "concurrency": 32, "requests": 32, "seconds": SECONDS, "once": True, "tenant_id": TENANT,
                 "cart_ready": True}
            )  # fmt: skip
            sold = len(race["latencies_ms"])
            refusals = race["failures"]
            if any(not status.startswith("409") for status in refusals):
                print(f"race refusals: {refusals}", file=sys.stderr)
            stock = httpx.get(f"{api.url}/api/v1/books/{world['scarce']}", headers={"X-Tenant-ID": TENANT}).json()
            oversold = max(0, sold - OVERSELL_STOCK) + max(0, -stock["stock_quantity"])
            not_409 = sum(n for status, n in refusals.items() if not status.startswith("409"))
            summary = {
                "errors": errors + not_409,
                "oversold": oversold,
                "sold": sold,
                "stock_left": stock["stock_quantity"],
            }
            record("load", "errors", errors + not_409)
            record("load", "oversold", oversold)
            return rows, summary
        finally:
            for service in (poller, api, emulator):
                if service is not None:
                    service.stop()
            engine.stop()


def main() -> None:
    rows, summary = run()
    print(f"HTTP load: gunicorn 2 workers, {REQUESTS} requests or {SECONDS:.0f}s per cell, {SEED_BOOKS:,} books")
    print_table(("request", "clients", "requests", "p50 ms", "p99 ms", "req/s", "errors"), rows)
    print(
        f"\n32 buyers for {OVERSELL_STOCK} copies: sold {summary['sold']}, stock left {summary['stock_left']}, "
        f"oversold {summary['oversold']}; errors (any non-2xx but the race's 409s): {summary['errors']}"
    )


if __name__ == "__main__":
    main()
