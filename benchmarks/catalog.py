"""DynamoDB calls per catalogue request at 100 and at 10,000 books (and the seeding, in its own table).

    python -m benchmarks.catalog

Runs on the stack of `benchmarks.harness` (the patched emulator in-process, calls counted
through botocore events, nothing in the app patched). Each request goes through Django and
DRF like a real one and is measured warm: it runs once before it is measured, as in a warm
Lambda, so the tenant lookup is cached and PynamoDB has described its tables.
"""

import statistics
from collections.abc import Callable
from dataclasses import dataclass

from benchmarks.harness import client_for_new_user, describe, emulated_stack, print_table, record_round_trips

SIZES = (100, 10_000)
REPEATS = 3
SEED = 1
AUTHOR = "Gabriel García Márquez"  # curated, so present at both sizes


@dataclass(frozen=True)
class Row:
    request: str
    books: int
    calls: int
    operations: str  # e.g. "Query books/category-index"
    median_ms: float


def _requests(client, tenant_id: str) -> list[tuple[str, Callable[[], object]]]:
    """The requests to measure; each callable asserts its response is a success."""
    from rest_framework.test import APIClient

    from catalog.isbn import isbn13_check_digit

    public = APIClient()
    public.credentials(HTTP_X_TENANT_ID=tenant_id)
    first = public.get("/api/v1/books?limit=20").json()
    book = first["results"][0]
    isbns = (f"979{n:09d}" for n in range(10**8, 10**9))

    def get(url: str, via=public) -> Callable[[], object]:
        def call():
            response = via.get(url)
            assert response.status_code == 200, (url, response.status_code, response.content[:200])

        return call

    def create():
        first12 = next(isbns)
        body = {
            "isbn": first12 + isbn13_check_digit(first12),
            "title": "Bench",
            "author": "Bench Author",
            "category": "Fiction",
            "price": "12.50",
            "language": "en",
        }
        assert client.post("/api/v1/books", body, format="json").status_code == 201

    titles = iter(range(10**9))

    def patch():
        response = client.patch(f"/api/v1/books/{book['book_id']}", {"title": f"T{next(titles)}"}, format="json")
        assert response.status_code == 200

    return [
        ("GET books (limit 20)", get("/api/v1/books?limit=20")),
        ("GET books, page 2 (cursor)", get(f"/api/v1/books?limit=20&cursor={first['next']}")),
        ("GET books?category=Fiction", get("/api/v1/books?category=Fiction")),
        ("GET books?author=...", get(f"/api/v1/books?author={AUTHOR}")),
        ("GET books?sort=price&min..max_price", get("/api/v1/books?sort=price&min_price=10&max_price=20")),
        ("GET books?category=Fiction&language=es", get("/api/v1/books?category=Fiction&language=es")),
        ("GET books?in_stock=true&sort=title", get("/api/v1/books?in_stock=true&sort=title")),
        ("GET books/{id}", get(f"/api/v1/books/{book['book_id']}")),
        ("GET books/isbn/{isbn}", get(f"/api/v1/books/isbn/{book['isbn']}")),
        ("GET books/categories", get("/api/v1/books/categories")),
        ("GET books/authors?prefix=ga", get("/api/v1/books/authors?prefix=ga")),
        ("POST books (admin)", create),
        ("PATCH books/{id} (admin)", patch),
    ]


def run() -> list[Row]:
    """Seed each size, measure every request; each size ends with its seed row."""
    rows: list[Row] = []
    with emulated_stack() as counter:
        from accounts.services import tenant_create
        from catalog.services import catalog_seed

        for size in SIZES:
            tenant_id = f"bench-{size}"
            tenant_create(tenant_id=tenant_id, name=tenant_id)
            admin = client_for_new_user(tenant_id, f"admin@{tenant_id}.example.com", role="admin")
            calls, ms = counter.measure(lambda t=tenant_id, n=size: catalog_seed(tenant_id=t, target=n, seed=SEED))
            seed_row = Row(f"seed_catalog --target {size}", size, sum(calls.values()), describe(calls), ms)
            for name, request in _requests(admin, tenant_id):
                request()  # warm: tenant cache, table descriptions
                samples = [counter.measure(request) for _ in range(REPEATS)]
                calls = samples[-1][0]
                ms = statistics.median(sample[1] for sample in samples)
                rows.append(Row(name, size, sum(calls.values()), describe(calls), ms))
            rows.append(seed_row)
    return rows


def main() -> None:
    rows = run()
    calls = {(r.request, r.books): r.calls for r in rows if not r.request.startswith("seed_catalog")}
    for request in dict.fromkeys(request for request, _ in calls):
        record_round_trips(
            request, tuple(f"{size:,} books" for size in SIZES), tuple(calls[request, size] for size in SIZES)
        )
    print_table(
        ("request", "books", "DynamoDB calls", "operations", "ms"),
        [(r.request, f"{r.books:,}", str(r.calls), r.operations, f"{r.median_ms:,.0f}") for r in rows],
    )
    print(
        "\nms: median of the emulator round trips (one request at a time; the local fix answers a Query by"
        "\nseeking to its page, local_stack/dynamodb_query.py, so a page costs about the same at any size)."
    )


if __name__ == "__main__":
    main()
