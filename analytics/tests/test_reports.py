"""The four report endpoints over a lake written in the exporter's layout.

Each is checked against totals computed here from the same purchases: exact Decimals,
cancellations excluded, duplicates counted once, one tenant never seeing another's sales.
"""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import override_settings

from analytics.models import ReportCacheEntry
from bookstore.dynamodb.clock import now

JULY = {"from": "2025-07-01", "to": "2025-07-31"}


def _in_range(purchases, tenant_id, date_from="2025-07-01", date_to="2025-07-31"):
    low, high = date.fromisoformat(date_from), date.fromisoformat(date_to)
    return [p for p in purchases if p.tenant_id == tenant_id and low <= p.created_at.date() <= high]


def _sold(purchases, tenant_id, **bounds):
    return [p for p in _in_range(purchases, tenant_id, **bounds) if not p.cancelled]


def test_summary_matches_the_purchases(sales, admin_client):
    response = admin_client.get("/api/v1/analytics/summary", JULY)

    assert response.status_code == 200, response.data
    sold = _sold(sales, "tenant1")
    revenue = sum((p.total for p in sold), Decimal("0.00"))
    assert Decimal(response.data["revenue"]) == revenue
    assert response.data["orders"] == len(sold)
    assert response.data["customers"] == len({p.user_id for p in sold})
    assert response.data["cancelled_orders"] == sum(p.cancelled for p in _in_range(sales, "tenant1"))
    assert response.data["cancelled_orders"] > 0
    assert Decimal(response.data["average_order_value"]) == (revenue / len(sold)).quantize(Decimal("0.01"))
    assert (response.data["from"], response.data["to"]) == ("2025-07-01", "2025-07-31")


def test_a_range_with_no_lake_files_sums_to_zero(lake_dir, admin_client):
    response = admin_client.get("/api/v1/analytics/summary", {"to": "2000-01-01"})

    assert response.status_code == 200, response.content
    assert (response.data["orders"], response.data["customers"], response.data["revenue"]) == (0, 0, "0.00")


def test_top_books_ranks_units_and_excludes_cancelled(sales, admin_client):
    response = admin_client.get("/api/v1/analytics/top-books", {**JULY, "limit": 3})

    assert response.status_code == 200
    units, revenue = defaultdict(int), defaultdict(Decimal)
    for purchase in _sold(sales, "tenant1"):
        for item in purchase.items:
            units[item.book_id] += item.quantity
            revenue[item.book_id] += item.unit_price * item.quantity
    expected = sorted(units, key=lambda b: (-units[b], -revenue[b], b))[:3]
    assert [row["book_id"] for row in response.data["results"]] == expected
    for row in response.data["results"]:
        assert row["units"] == units[row["book_id"]]
        assert Decimal(row["revenue"]) == revenue[row["book_id"]]
    assert response.data["results"][0]["title"]
    assert response.data["results"][0]["category"]


def test_revenue_by_category_is_exact(sales, admin_client):
    response = admin_client.get("/api/v1/analytics/revenue-by-category", JULY)

    expected = defaultdict(Decimal)
    for purchase in _sold(sales, "tenant1"):
        for item in purchase.items:
            expected[item.category] += item.unit_price * item.quantity
    got = {row["category"]: Decimal(row["revenue"]) for row in response.data["results"]}
    assert got == dict(expected)
    revenues = [Decimal(row["revenue"]) for row in response.data["results"]]
    assert revenues == sorted(revenues, reverse=True)


def test_sales_by_day(sales, admin_client):
    response = admin_client.get("/api/v1/analytics/sales-by-day", {"from": "2025-07-02", "to": "2025-07-04"})

    sold = _sold(sales, "tenant1", date_from="2025-07-02", date_to="2025-07-04")
    expected = {}
    for day in sorted({p.created_at.date() for p in sold}):
        of_day = [p for p in sold if p.created_at.date() == day]
        revenue = sum((p.total for p in of_day), Decimal("0.00"))
        expected[day.isoformat()] = (len(of_day), sum(i.quantity for p in of_day for i in p.items), revenue)
    got = {row["day"]: (row["orders"], row["units"], Decimal(row["revenue"])) for row in response.data["results"]}
    assert got == expected
    for row in response.data["results"]:
        assert Decimal(row["average_order_value"]) == (Decimal(row["revenue"]) / row["orders"]).quantize(
            Decimal("0.01")
        )


def test_each_tenant_sees_only_its_own_sales(sales, admin_client, other_tenant_admin_client):
    mine = admin_client.get("/api/v1/analytics/summary", JULY).data
    theirs = other_tenant_admin_client.get("/api/v1/analytics/summary", JULY).data

    assert Decimal(theirs["revenue"]) == sum((p.total for p in _sold(sales, "tenant2")), Decimal("0.00"))
    assert theirs["orders"] == len(_sold(sales, "tenant2"))
    assert mine["orders"] == len(_sold(sales, "tenant1"))
    books = other_tenant_admin_client.get("/api/v1/analytics/top-books", JULY).data["results"]
    assert {b["book_id"] for b in books} == {i.book_id for p in _sold(sales, "tenant2") for i in p.items}


def test_naming_another_tenant_is_refused(sales, admin_client):
    response = admin_client.get("/api/v1/analytics/summary", {**JULY, "tenant_id": "tenant2"})

    assert response.status_code == 403
    assert response.data["error"]["code"] == "tenant_mismatch"


@pytest.mark.parametrize("report", ["top-books", "revenue-by-category", "sales-by-day", "summary"])
def test_reports_are_for_admins_only(lake, report, customer_client, api_client):
    assert customer_client.get(f"/api/v1/analytics/{report}").status_code == 403
    assert api_client.get(f"/api/v1/analytics/{report}").status_code == 401


def test_the_default_range_is_the_last_30_days(lake, admin_client):
    today = now().date()
    recent = lake.purchase("tenant1", "u1", (today - timedelta(days=29)).isoformat(), [(0, 1)])
    old = lake.purchase("tenant1", "u1", (today - timedelta(days=30)).isoformat(), [(1, 1)])
    lake.write_purchases([recent, old])

    response = admin_client.get("/api/v1/analytics/summary")

    assert response.data["to"] == today.isoformat()
    assert response.data["from"] == (today - timedelta(days=29)).isoformat()
    assert Decimal(response.data["revenue"]) == recent.total


def test_an_empty_lake_gives_zeros(lake, admin_client):
    summary = admin_client.get("/api/v1/analytics/summary", JULY).data
    assert (summary["revenue"], summary["orders"], summary["average_order_value"]) == ("0.00", 0, "0.00")
    assert admin_client.get("/api/v1/analytics/top-books", JULY).data["results"] == []


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"from": "2025-07-10", "to": "2025-07-01"}, "range_reversed"),
        ({"from": "2024-01-01", "to": "2025-01-01"}, "range_too_long"),
        ({"from": "yesterday"}, "validation_error"),
        ({"limit": "0"}, "validation_error"),
        ({"to": "0001-01-05"}, "validation_error"),
        ({"from": "0001-01-01", "to": "0001-01-05"}, "validation_error"),
        ({"from": "9999-12-01", "to": "9999-12-31"}, "validation_error"),
    ],
)
def test_bad_ranges_are_refused(lake, admin_client, params, code):
    response = admin_client.get("/api/v1/analytics/top-books", params)

    assert response.status_code == 400
    assert response.data["error"]["code"] == code


@pytest.mark.parametrize("report", ["top-books", "revenue-by-category", "sales-by-day", "summary"])
def test_a_day_out_of_range_is_a_400_on_every_report(lake, admin_client, report):
    response = admin_client.get(f"/api/v1/analytics/{report}", {"to": "0001-01-05"})

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"to": ["Enter a day between 1970-01-01 and 2999-12-31."]}


def test_a_full_leap_year_is_allowed(lake, admin_client):
    response = admin_client.get("/api/v1/analytics/summary", {"from": "2024-01-01", "to": "2024-12-31"})
    assert response.status_code == 200


def test_results_are_cached_per_range_until_they_expire(sales, admin_client, lake):
    with override_settings(ANALYTICS_CACHE_SECONDS=300):
        first = admin_client.get("/api/v1/analytics/summary", JULY).data
        late = lake.purchase("tenant1", "u9", "2025-07-05", [(2, 4)])
        lake.write_purchases([late])
        cached = admin_client.get("/api/v1/analytics/summary", JULY).data
        other_range = admin_client.get("/api/v1/analytics/summary", {"from": "2025-07-05", "to": "2025-07-05"}).data

        entry = ReportCacheEntry.get(
            ReportCacheEntry.key_for(
                tenant_id="tenant1", report="summary", date_from=date(2025, 7, 1), date_to=date(2025, 7, 31)
            )
        )
        entry.update(actions=[ReportCacheEntry.expires_at.set(now() - timedelta(seconds=1))])
        expired = admin_client.get("/api/v1/analytics/summary", JULY).data

    assert cached == first
    assert other_range["orders"] == len(_sold(sales, "tenant1", date_from="2025-07-05", date_to="2025-07-05")) + 1
    assert Decimal(expired["revenue"]) == Decimal(first["revenue"]) + late.total


def test_reports_read_a_lake_on_s3_through_pyarrow(s3_lake, admin_client):
    """DuckDB over the emulator's S3, as from a laptop against AWS: the same answers as on disk."""
    purchases = [
        s3_lake.purchase("tenant1", "u1", "2025-07-01", [(0, 2), (1, 1)]),
        s3_lake.purchase("tenant1", "u2", "2025-07-03", [(2, 1)], cancelled=True),
        s3_lake.purchase("tenant1", "u2", "2025-07-03", [(3, 3)]),
    ]
    s3_lake.write_purchases(purchases)
    s3_lake.write(purchases[0].rows())

    summary = admin_client.get("/api/v1/analytics/summary", JULY).data

    assert Decimal(summary["revenue"]) == purchases[0].total + purchases[2].total
    assert (summary["orders"], summary["cancelled_orders"]) == (2, 1)


def test_an_unreachable_lake_is_a_503(unreachable_lake, admin_client):
    response = admin_client.get("/api/v1/analytics/summary", JULY)

    assert response.status_code == 503
    assert response.data["error"]["code"] == "analytics_unavailable"
