"""The HTTP load generator: a separate process that drives one endpoint at one concurrency.

    python -m benchmarks.loadgen SPEC.json   (benchmarks/load.py writes the spec and reads the result)

Each of `concurrency` threads holds its own httpx client and, if the spec gives tokens,
its own user. It repeats its step until the run has made `requests` measured requests or
`seconds` have passed, whichever comes first. A step may make unmeasured set-up requests
(fill the cart before a checkout); only the measured request's latency is kept. The
result, printed as JSON on stdout: latencies in ms, the wall time, and each non-2xx
status with its count.
"""

import json
import sys
import threading
import time
import uuid
from collections import Counter

import httpx

CHECKOUT_BODY = {
    "payment_method": "card",
    "shipping_address": {"line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013", "country": "ES"},
}


def _step(client: httpx.Client, spec: dict) -> httpx.Response:
    """One measured request of the scenario (after its unmeasured set-up); returns its response."""
    scenario, book_id = spec["scenario"], spec.get("book_id")
    if scenario == "cart_add":
        started = time.perf_counter()
        response = client.post("/api/v1/cart/add", json={"book_id": book_id, "quantity": 1})
        elapsed = time.perf_counter() - started
        client.delete(f"/api/v1/cart/items/{book_id}")
        response.elapsed_s = elapsed
        return response
    if scenario == "checkout":
        if not spec.get("cart_ready"):  # the race fills every cart before anyone checks out
            client.post("/api/v1/cart/add", json={"book_id": book_id, "quantity": 1})
        started = time.perf_counter()
        response = client.post(
            "/api/v1/purchases/checkout", json=CHECKOUT_BODY, headers={"Idempotency-Key": str(uuid.uuid4())}
        )
        response.elapsed_s = time.perf_counter() - started
        return response
    started = time.perf_counter()
    response = client.get(spec["path"], params=spec.get("params"))
    response.elapsed_s = time.perf_counter() - started
    return response


def run(spec: dict) -> dict:
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + spec["seconds"]
    budget = [spec["requests"]]

    def worker(n: int) -> None:
        headers = {"X-Tenant-ID": spec.get("tenant_id", "")}
        tokens = spec.get("tokens") or []
        if tokens:
            headers = {"Authorization": f"Bearer {tokens[n % len(tokens)]}"}
        with httpx.Client(base_url=spec["base_url"], headers=headers, timeout=60) as client:
            while time.monotonic() < deadline:
                with lock:
                    if budget[0] <= 0:
                        return
                    budget[0] -= 1
                response = _step(client, spec)
                with lock:
                    if response.is_success:
                        latencies.append(response.elapsed_s * 1000)
                    else:
                        statuses[f"{response.status_code} {response.text[:80]}"] += 1
                if spec.get("once"):
                    return

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(spec["concurrency"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"latencies_ms": latencies, "wall_s": time.perf_counter() - started, "failures": dict(statuses)}


if __name__ == "__main__":
    with open(sys.argv[1]) as spec_file:
        print(json.dumps(run(json.load(spec_file))))
