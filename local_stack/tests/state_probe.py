"""What the durability tests check, read from a `make run` stack: `python -m local_stack.tests.state_probe TENANT BOOK`.

Run in a process of its own with the stack's environment (settings module, EMULATOR_PORT,
SEARCH_PORT, LOCAL_STATE_DIR), after the stack restarted and reconciled. Prints one JSON
object: the book's stock, the tenant's purchases (id, status, copies of the book), the
purchase ids the idempotency records point to, the book's units sold and co-purchase
counts, the purchase ids in the data lake (per event), and the ids in the search index
against the active books.
"""

import json
import os
import sys


def probe(tenant_id: str, book_id: str) -> dict:
    from analytics.lake_access import read_parquet, tenant_files
    from analytics.tables import PURCHASES_TABLE
    from catalog import keys
    from catalog.models import Book, BookSales, BookStock, CoPurchase
    from catalog.search.engine import engine_for
    from catalog.search.index import alias_name
    from orders.models import IdempotencyRecord, Purchase

    stock = BookStock.get(BookStock.key(tenant_id, book_id), BookStock.SORT_KEY, consistent_read=True)
    purchases = [
        {
            "id": p.purchase_id,
            "status": p.status,
            "copies": sum(int(i.quantity) for i in p.items if i.book_id == book_id),
        }
        for p in Purchase.scan(Purchase.tenant_id == tenant_id, consistent_read=True)
    ]
    idempotency = [r.purchase_id for r in IdempotencyRecord.scan(IdempotencyRecord.key.startswith(f"{tenant_id}#"))]
    sales = list(BookSales.query(f"{tenant_id}#{book_id}", consistent_read=True))
    pairs = sum(int(c.times) for c in CoPurchase.scan(CoPurchase.pk.startswith(f"{tenant_id}#")))
    lake: dict[str, list[str]] = {}
    for name in tenant_files(table=PURCHASES_TABLE, tenant_id=tenant_id):
        table = read_parquet(name)
        for purchase_id, event in zip(
            table.column("purchase_id").to_pylist(), table.column("event_type").to_pylist(), strict=True
        ):
            lake.setdefault(event, []).append(purchase_id)
    client = engine_for(tenant_id)
    client.indices.refresh(index=alias_name(tenant_id))
    hits = client.search(index=alias_name(tenant_id), size=1000, source=False, query={"match_all": {}})
    return {
        "stock": int(stock.stock_quantity),
        "purchases": purchases,
        "idempotency": idempotency,
        "units_sold": int(sales[0].units_sold) if sales else 0,
        "pairs": pairs,
        "lake": {event: sorted(set(ids)) for event, ids in lake.items()},
        "search_ids": sorted(hit["_id"] for hit in hits["hits"]["hits"]),
        "active_books": sorted(b.book_id for b in Book.catalog_newest_index.query(keys.catalog_key(tenant_id))),
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookstore.settings.local")
    import django

    django.setup()
    print(json.dumps(probe(sys.argv[1], sys.argv[2])))
