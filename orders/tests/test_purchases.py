"""Purchase history, cancellation, the user's summary and the admins' list.

orders/selectors.py, and orders/lifecycle.py: purchase_cancel.
"""

import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

PURCHASES = "/api/v1/purchases"


def test_history_is_newest_first_paginated_and_filterable(customer_client, book, buy):
    placed = [buy(customer_client, book, method="card" if n % 2 else "transfer")["purchase_id"] for n in range(5)]
    first = customer_client.get(PURCHASES, {"limit": 2}).json()
    assert [p["purchase_id"] for p in first["results"]] == placed[::-1][:2]
    seen = [p["purchase_id"] for p in first["results"]]
    cursor = first["next"]
    while cursor:
        page = customer_client.get(PURCHASES, {"limit": 2, "cursor": cursor}).json()
        seen += [p["purchase_id"] for p in page["results"]]
        cursor = page["next"]
    assert seen == placed[::-1]

    pending = customer_client.get(PURCHASES, {"status": "pending", "limit": 2}).json()
    assert len(pending["results"]) == 2
    assert all(p["status"] == "pending" for p in pending["results"])
    assert customer_client.get(PURCHASES, {"status": "lost"}).status_code == 400


def test_a_tampered_cursor_is_400(customer_client, book, buy):
    buy(customer_client, book)
    buy(customer_client, book)
    cursor = customer_client.get(PURCHASES, {"limit": 1}).json()["next"]
    response = customer_client.get(PURCHASES, {"limit": 1, "cursor": cursor[:-2] + "xx"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_cursor"
    other_filter = customer_client.get(PURCHASES, {"limit": 1, "cursor": cursor, "status": "pending"})
    assert other_filter.status_code == 400


def test_purchases_are_visible_to_their_owner_only(
    customer_client, other_customer_client, other_tenant_admin_client, book, buy
):
    purchase_id = buy(customer_client, book)["purchase_id"]
    for client in (other_customer_client, other_tenant_admin_client):
        assert client.get(f"{PURCHASES}/{purchase_id}").status_code == 404
        assert client.post(f"{PURCHASES}/{purchase_id}/cancel").status_code == 404
        assert client.get(PURCHASES).json()["results"] == []
    assert customer_client.get(f"{PURCHASES}/{purchase_id}").json()["status"] == "completed"
    assert customer_client.get(f"{PURCHASES}/{uuid.uuid4()}").json()["error"]["code"] == "purchase_not_found"


def test_cancel_restocks_exactly_once(customer_client, book, stock_of, buy):
    purchase_id = buy(customer_client, book, quantity=3)["purchase_id"]
    assert stock_of(book) == 7
    first = customer_client.post(f"{PURCHASES}/{purchase_id}/cancel")
    assert first.status_code == 200
    assert first.json()["status"] == "cancelled"
    assert first.json()["cancelled_at"] is not None
    second = customer_client.post(f"{PURCHASES}/{purchase_id}/cancel")
    assert second.json() == first.json()
    assert stock_of(book) == 10


def test_concurrent_cancels_restock_once(customer, book, stock_of, client_for, buy):
    purchase_id = buy(client_for(customer), book, quantity=4)["purchase_id"]

    def cancel(_):
        return client_for(customer).post(f"{PURCHASES}/{purchase_id}/cancel").json()["status"]

    with ThreadPoolExecutor(max_workers=5) as pool:
        assert list(pool.map(cancel, range(5))) == ["cancelled"] * 5
    assert stock_of(book) == 10


def test_summary_excludes_cancelled_purchases(customer_client, book_factory, buy):
    fiction = book_factory(price=Decimal("10.00"), category="Fiction")
    history = book_factory(price=Decimal("25.00"), category="History")
    buy(customer_client, fiction, quantity=2)
    buy(customer_client, history, quantity=1)
    cancelled = buy(customer_client, history, quantity=3)
    customer_client.post(f"{PURCHASES}/{cancelled['purchase_id']}/cancel")

    summary = customer_client.get(f"{PURCHASES}/analytics/summary").json()
    assert summary["total_spent"] == "45.00"
    assert summary["order_count"] == 2
    assert summary["average_order_value"] == "22.50"
    assert summary["top_categories"] == [
        {"category": "History", "amount": "25.00", "quantity": 1},
        {"category": "Fiction", "amount": "20.00", "quantity": 2},
    ]
    assert summary["last_purchase_at"] is not None


def test_summary_of_a_new_user_is_zero(customer_client):
    assert customer_client.get(f"{PURCHASES}/analytics/summary").json() == {
        "total_spent": "0.00",
        "order_count": 0,
        "average_order_value": "0.00",
        "top_categories": [],
        "last_purchase_at": None,
    }


def test_admins_list_the_tenants_purchases_by_date(
    customer_client, other_customer_client, admin_client, other_tenant_admin_client, book, buy
):
    mine = buy(customer_client, book)["purchase_id"]
    theirs = buy(other_customer_client, book)["purchase_id"]
    listing = admin_client.get("/api/v1/admin/purchases").json()
    assert [p["purchase_id"] for p in listing["results"]] == [theirs, mine]
    assert other_tenant_admin_client.get("/api/v1/admin/purchases").json()["results"] == []

    today = listing["results"][0]["created_at"][:10]
    in_range = admin_client.get("/api/v1/admin/purchases", {"date_from": today, "date_to": today, "limit": 1}).json()
    assert len(in_range["results"]) == 1
    assert in_range["next"]
    assert admin_client.get("/api/v1/admin/purchases", {"date_to": "2000-01-01"}).json()["results"] == []
    bad = admin_client.get("/api/v1/admin/purchases", {"date_from": "2030-01-02", "date_to": "2030-01-01"})
    assert bad.status_code == 400
    assert customer_client.get("/api/v1/admin/purchases").status_code == 403


@pytest.mark.parametrize("params", [{"date_from": "0001-01-01"}, {"date_to": "9999-12-31"}])
def test_admins_filter_purchases_only_by_days_in_range(admin_client, params):
    response = admin_client.get("/api/v1/admin/purchases", params)

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {
        name: ["Enter a day between 1970-01-01 and 2999-12-31."] for name in params
    }
