"""Search on the emulator: the API's own cost over the engine, rebuild throughput, engine calls per request.

    python -m benchmarks.search

Runs on the stack of `benchmarks.harness` plus noida-db on a free loopback port with a
temporary data folder. A 10,000-book tenant is seeded and indexed with `rebuild_search_index`'s
service (its throughput is the indexing figure). Then each query is sent two ways, warm, many
times: `GET books/search` through Django and DRF, and the identical request body straight to the
engine with the same client; the API's overhead is the ratio of the medians (goal: 1.5 or less).
Engine calls are counted from the Elasticsearch client's own request log (one record per HTTP
request), observing it, patching nothing.

All absolute times are the EMULATOR's (noida-db, loopback): a real Elasticsearch node answers
these queries in a few ms, noida-db in tens. Judge the ratio and the call counts, not the ms.
"""

import logging
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.harness import client_for_new_user, emulated_stack, print_table, record

BOOKS = 10_000
REPEATS = 15
QUERIES = (
    "q=clean",
    "q=clen%20cod",
    "q=anos%20soledades&sort=price",
    "category=Fiction&in_stock=true&sort=-price",
    "q=amor&language=es&limit=50",
)


class EngineCalls(logging.Handler):
    """Counts the Elasticsearch client's requests: it logs each one on `elastic_transport.transport`."""

    def __init__(self) -> None:
        super().__init__(level=logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1

    def during(self, action) -> int:
        self.count = 0
        action()
        return self.count


def _medians_ms(first, second) -> tuple[float, float]:
    """Median ms of two actions, interleaved so that load on the machine hits both alike."""
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(REPEATS):
        for action, times in ((first, samples[0]), (second, samples[1])):
            started = time.perf_counter()
            action()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples[0]), statistics.median(samples[1])


def main() -> None:
    with emulated_stack(), tempfile.TemporaryDirectory() as data_dir:
        from django.conf import settings
        from rest_framework.test import APIClient

        from bookstore.tenants import tenant_create
        from catalog.search.engine import engine_for
        from catalog.search.index import alias_name
        from catalog.search.queries import SearchQuery, search_request
        from catalog.search.rebuild import search_index_rebuild
        from catalog.serializers import BookSearchQuerySerializer
        from catalog.services import catalog_seed
        from local_stack.search_engine import start_search_engine

        engine = start_search_engine(port=settings.SEARCH_PORT, data_dir=Path(data_dir))
        calls = EngineCalls()
        transport_log = logging.getLogger("elastic_transport.transport")
        transport_log.addHandler(calls)
        transport_log.setLevel(logging.INFO)
        transport_log.propagate = False
        try:
            tenant_id = "bench-search"
            tenant_create(tenant_id=tenant_id, name=tenant_id)
            catalog_seed(tenant_id=tenant_id, target=BOOKS, seed=1)
            started = time.perf_counter()
            rebuilt = search_index_rebuild(tenant_id=tenant_id)
            rebuild_s = time.perf_counter() - started

            public = APIClient()
            public.credentials(HTTP_X_TENANT_ID=tenant_id)
            client = engine_for(tenant_id)
            alias = alias_name(tenant_id)
            rows = []
            for query in QUERIES:
                url = f"/api/v1/books/search?{query}"
                params = BookSearchQuerySerializer(
                    data=dict(p.split("=", 1) for p in query.replace("%20", " ").split("&"))
                )
                params.is_valid(raise_exception=True)
                data = dict(params.validated_data)
                limit = data.pop("limit")
                data.pop("cursor", None)
                body = search_request(tenant_id=tenant_id, query=SearchQuery(**data), limit=limit).to_dict()

                def via_api(url=url):
                    response = public.get(url)
                    assert response.status_code == 200, response.content[:200]

                def direct(body=body):
                    client.search(index=alias, body=body)

                via_api(), direct()  # warm both paths
                api_ms, engine_ms = _medians_ms(via_api, direct)
                total = public.get(url).json()["total"]
                rows.append((query, f"{total:,}", f"{api_ms:.1f}", f"{engine_ms:.1f}", f"{api_ms / engine_ms:.2f}"))
                record(
                    "search (emulator)",
                    f"API/engine median ratio, {query}, {BOOKS:,} books",
                    f"{api_ms / engine_ms:.2f}",
                )

            print(f"Tenant of {BOOKS:,} books; times are noida-db EMULATOR figures, not Elasticsearch's.\n")
            print_table(("GET books/search?...", "total", "API ms", "engine ms", "API/engine"), rows)

            user = client_for_new_user(tenant_id, "reader@bench.example.com")
            user_id = user.get("/api/v1/users/profile").json()["user_id"]
            per_request = [
                ("GET books/search?q=clean", calls.during(lambda: public.get("/api/v1/books/search?q=clean"))),
                ("GET books/suggest?q=cle", calls.during(lambda: public.get("/api/v1/books/suggest?q=cle"))),
                (
                    "GET books/recommendations/{user_id}",
                    calls.during(lambda: user.get(f"/api/v1/books/recommendations/{user_id}")),
                ),
            ]
            print()
            print_table(("request", "engine calls"), [(name, str(n)) for name, n in per_request])
            for name, n in per_request:
                record("search (emulator)", f"engine calls, {name}", n)
            record("search (emulator)", f"rebuild, books/s ({BOOKS:,} books)", f"{rebuilt.books / rebuild_s:,.0f}")
            print(
                f"\nRebuild (EMULATOR): {rebuilt.books:,} books in {rebuild_s:.1f} s"
                f" = {rebuilt.books / rebuild_s:,.0f} books/s (DynamoDB Query pages + bulk of 500 + alias swap)."
            )
        finally:
            transport_log.removeHandler(calls)
            engine.stop()


if __name__ == "__main__":
    main()
