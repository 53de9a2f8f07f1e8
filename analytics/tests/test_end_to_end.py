"""From checkout to report: real purchases, the stream poller writing the lake, the report endpoints.

Two shops buy over three days (the application clock set to each), some orders are cancelled
through the API, `consume_streams --once` exports everything, and one batch of rows is delivered
a second time. The reports must equal the totals computed here from the purchases themselves.
"""

from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal

import pytest

DAYS = ("2025-07-01", "2025-07-02", "2025-07-03")
RANGE = {"from": "2025-07-01", "to": "2025-07-03"}


@pytest.fixture
def shop_books(book_factory, tenant, other_tenant):
    """Three books in each shop, in different categories and at prices with cents."""
    prices = (Decimal("12.95"), Decimal("7.10"), Decimal("21.33"))
    categories = ("Fiction", "Poetry", "Science")
    return {
        shop.tenant_id: [
            book_factory(shop, price=price, category=category, stock_quantity=1000)
            for price, category in zip(prices, categories, strict=True)
        ]
        for shop in (tenant, other_tenant)
    }


def test_reports_match_checkouts_exported_by_the_poller(
    clock,
    tenant,
    other_tenant,
    shop_books,
    user_factory,
    client_for,
    placed_order,
    consume_streams,
    lake_rows,
    admin_client,
    other_tenant_admin_client,
):
    from analytics.lake import write_rows

    buyers = {shop.tenant_id: [user_factory(shop), user_factory(shop)] for shop in (tenant, other_tenant)}
    purchases, cancelled = [], set()
    for day_number, day in enumerate(DAYS):
        for n, (tenant_id, books) in enumerate(shop_books.items()):
            clock.set(datetime.fromisoformat(f"{day}T1{n}:00:00").replace(tzinfo=UTC))
            for buyer_number, buyer in enumerate(buyers[tenant_id]):
                chosen = books[(day_number + buyer_number) % 3 :][:2] or books[:1]
                purchase = placed_order(buyer, *chosen, quantity=1 + buyer_number)
                purchases.append(purchase)
                if day_number == 1 and buyer_number == 0:
                    response = client_for(buyer).post(f"/api/v1/purchases/{purchase.purchase_id}/cancel")
                    assert response.status_code == 200, response.data
                    cancelled.add(purchase.purchase_id)

    consume_streams("--tables", "purchases")
    rows = lake_rows()
    assert {r["event_type"] for r in rows} == {"purchased", "cancelled"}
    replayed = [
        {k: v for k, v in r.items() if k != "_file"} for r in rows if r["purchase_id"] == purchases[0].purchase_id
    ]
    write_rows(replayed, first_record_id="replay")  # delivered again, another batch

    for tenant_id, client in (("tenant1", admin_client), ("tenant2", other_tenant_admin_client)):
        sold = [p for p in purchases if p.tenant_id == tenant_id and p.purchase_id not in cancelled]
        summary = client.get("/api/v1/analytics/summary", RANGE).data
        assert Decimal(summary["revenue"]) == sum((p.total_amount for p in sold), Decimal("0.00"))
        assert summary["orders"] == len(sold)
        assert summary["customers"] == len({p.user_id for p in sold})
        assert summary["cancelled_orders"] == sum(
            1 for p in purchases if p.tenant_id == tenant_id and p.purchase_id in cancelled
        )

        by_category = defaultdict(Decimal)
        units = defaultdict(int)
        for purchase in sold:
            for item in purchase.items:
                by_category[item.category] += item.subtotal
                units[item.book_id] += int(item.quantity)
        categories = client.get("/api/v1/analytics/revenue-by-category", RANGE).data["results"]
        assert {c["category"]: Decimal(c["revenue"]) for c in categories} == dict(by_category)
        books = client.get("/api/v1/analytics/top-books", RANGE).data["results"]
        assert {b["book_id"]: b["units"] for b in books} == dict(units)

        days = client.get("/api/v1/analytics/sales-by-day", RANGE).data["results"]
        assert [d["day"] for d in days] == list(DAYS)
        for day in days:
            of_day = [p for p in sold if p.created_at.date().isoformat() == day["day"]]
            assert Decimal(day["revenue"]) == sum((p.total_amount for p in of_day), Decimal("0.00"))
