"""Moderation (reviews/services.py `review_hide`, `review_restore`; the tenant's `reviews_moderated` setting)."""

BOOKS = "/api/v1/books"
TENANT1 = {"HTTP_X_TENANT_ID": "tenant1"}
MODERATION = "/api/v1/admin/reviews/moderation"


def test_a_moderated_shop_publishes_a_review_once_an_admin_approves_it(
    customer_client, admin_client, book, api_client, consume_streams
):
    assert admin_client.get(MODERATION).json() == {"moderated": False}
    assert customer_client.put(MODERATION, {"moderated": True}, format="json").status_code == 403
    assert admin_client.put(MODERATION, {"moderated": True}, format="json").json() == {"moderated": True}

    review = customer_client.post(f"{BOOKS}/{book.book_id}/reviews", {"score": 2, "title": "Wait"}).json()
    assert review["status"] == "pending"
    consume_streams("--tables", "reviews")
    assert api_client.get(f"{BOOKS}/{book.book_id}/reviews", **TENANT1).json()["results"] == []
    assert api_client.get(f"{BOOKS}/{book.book_id}", **TENANT1).json()["rating_count"] == 0
    pending = admin_client.get("/api/v1/admin/reviews", {"status": "pending"}).json()["results"]
    assert [r["review_id"] for r in pending] == [review["review_id"]]

    approved = admin_client.post(f"/api/v1/admin/reviews/{review['review_id']}/approve")
    assert approved.json()["status"] == "published"
    consume_streams("--tables", "reviews")
    assert [r["title"] for r in api_client.get(f"{BOOKS}/{book.book_id}/reviews", **TENANT1).json()["results"]] == [
        "Wait"
    ]
    assert api_client.get(f"{BOOKS}/{book.book_id}", **TENANT1).json()["rating"] == "2.00"

    # An edit in a moderated shop waits for approval again.
    changed = customer_client.patch(f"{BOOKS}/{book.book_id}/reviews/mine", {"score": 5}, format="json").json()
    assert changed["status"] == "pending"
    consume_streams("--tables", "reviews")
    assert api_client.get(f"{BOOKS}/{book.book_id}", **TENANT1).json()["rating_count"] == 0


def test_hiding_needs_a_reason_and_an_admin(customer_client, other_customer_client, admin_client, book):
    review = customer_client.post(f"{BOOKS}/{book.book_id}/reviews", {"score": 1}).json()
    url = f"/api/v1/admin/reviews/{review['review_id']}/hide"
    assert other_customer_client.post(url, {"reason": "x"}).status_code == 403
    missing = admin_client.post(url, {}, format="json")
    assert missing.status_code == 400
    assert "reason" in missing.json()["error"]["details"]
    assert admin_client.post("/api/v1/admin/reviews/nope/hide", {"reason": "x"}).status_code == 404
    hidden = admin_client.post(url, {"reason": "<script>alert(1)</script>"}).json()
    assert (hidden["status"], hidden["hidden_reason"]) == ("hidden", "<script>alert(1)</script>")
    mine = customer_client.get("/api/v1/users/reviews").json()["results"]
    assert [(r["status"], r["hidden_reason"]) for r in mine] == [("hidden", "<script>alert(1)</script>")]
