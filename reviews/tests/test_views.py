"""reviews/views.py over HTTP: writing, listing, voting, validation, permissions and tenant isolation."""

import pytest

from orders.lifecycle import purchase_cancel

BOOKS = "/api/v1/books"
TENANT1 = {"HTTP_X_TENANT_ID": "tenant1"}


def reviews_url(book) -> str:
    return f"{BOOKS}/{book.book_id}/reviews"


def error_of(response) -> dict:
    return response.json()["error"]


def listed(api_client, book, **params) -> list[tuple[int, str]]:
    response = api_client.get(reviews_url(book), params, **TENANT1)
    assert response.status_code == 200, response.content
    return [(r["score"], r["title"]) for r in response.json()["results"]]


def test_a_reader_reviews_a_book_once(customer, customer_client, book, user_factory, tenant):
    response = customer_client.post(reviews_url(book), {"score": 4, "title": "Good", "body": "<b>Loved</b> it"})
    assert response.status_code == 201, response.content
    review = response.json()
    assert review["score"] == 4
    assert review["body"] == "<b>Loved</b> it"  # stored as given; escaped where shown
    assert review["status"] == "published"
    assert review["verified_purchase"] is False
    assert review["author"] == "Test"
    assert "email" not in str(review)
    assert "customer@example.com" not in str(review)

    again = customer_client.post(reviews_url(book), {"score": 1})
    assert again.status_code == 409
    assert error_of(again)["code"] == "review_exists"
    assert error_of(again)["details"]["review_id"] == review["review_id"]


def test_the_author_is_shown_by_first_name_and_last_initial(tenant, user_factory, client_for, book, api_client):
    reader = user_factory(tenant, first_name="Ana", last_name="García López")
    assert client_for(reader).post(reviews_url(book), {"score": 5}).status_code == 201
    [shown] = api_client.get(reviews_url(book), **TENANT1).json()["results"]
    assert shown["author"] == "Ana G."


@pytest.mark.parametrize(
    ("field", "value"),
    [("score", 0), ("score", 6), ("score", "five"), ("title", "t" * 121), ("body", "b" * 5001), ("extra", "x")],
)
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(customer_client, book, api_client, field, value):
    body = {"score": 3, field: value}
    response = customer_client.post(reviews_url(book), body, format="json")
    assert response.status_code == 400
    assert field in error_of(response)["details"]
    assert listed(api_client, book) == []
    assert customer_client.get(f"{reviews_url(book)}/mine").status_code == 404


def test_unknown_or_withdrawn_books_cannot_be_reviewed(customer_client, admin_client, book):
    assert error_of(customer_client.post(f"{BOOKS}/not-a-uuid/reviews", {"score": 3}))["code"] == "book_not_found"
    assert admin_client.delete(f"{BOOKS}/{book.book_id}").status_code == 204
    assert error_of(customer_client.post(reviews_url(book), {"score": 3}))["code"] == "book_not_found"


def test_anonymous_readers_list_but_cannot_write(api_client, book):
    assert api_client.post(reviews_url(book), {"score": 3}, **TENANT1).status_code == 401
    assert listed(api_client, book) == []


def test_the_author_changes_and_deletes_their_review(customer_client, book, api_client):
    customer_client.post(reviews_url(book), {"score": 2, "title": "Meh"})
    changed = customer_client.patch(f"{reviews_url(book)}/mine", {"score": 5}, format="json")
    assert changed.status_code == 200, changed.content
    assert (changed.json()["score"], changed.json()["title"]) == (5, "Meh")
    assert listed(api_client, book, sort="highest") == [(5, "Meh")]
    assert customer_client.delete(f"{reviews_url(book)}/mine").status_code == 204
    assert listed(api_client, book) == []
    assert error_of(customer_client.delete(f"{reviews_url(book)}/mine"))["code"] == "review_not_found"
    assert customer_client.post(reviews_url(book), {"score": 1}).status_code == 201  # a new one may follow


def test_sorts_and_filters(tenant, user_factory, client_for, book, api_client, walk_pages):
    for n, score in enumerate([5, 1, 4, 5, 3]):
        client = client_for(user_factory(tenant))
        assert client.post(reviews_url(book), {"score": score, "title": f"r{n}"}).status_code == 201
    assert listed(api_client, book) == [(3, "r4"), (5, "r3"), (4, "r2"), (1, "r1"), (5, "r0")]
    assert listed(api_client, book, sort="highest") == [(5, "r3"), (5, "r0"), (4, "r2"), (3, "r4"), (1, "r1")]
    assert listed(api_client, book, sort="lowest")[0] == (1, "r1")
    assert listed(api_client, book, score=5) == [(5, "r3"), (5, "r0")]
    assert listed(api_client, book, verified="true") == []
    pages = walk_pages(api_client, reviews_url(book), params={"limit": 2}, key="review_id", **TENANT1)
    assert len(pages) == 5
    bad = api_client.get(reviews_url(book), {"sort": "best"}, **TENANT1)
    assert bad.status_code == 400
    assert "sort" in error_of(bad)["details"]


def test_votes_one_per_reader_never_on_ones_own(
    customer_client, other_customer_client, book, consume_streams, api_client
):
    review = customer_client.post(reviews_url(book), {"score": 4}).json()
    vote_url = f"/api/v1/reviews/{review['review_id']}/vote"
    own = customer_client.post(vote_url, {"helpful": True}, format="json")
    assert own.status_code == 403
    assert error_of(own)["code"] == "own_review_vote"
    assert other_customer_client.post(vote_url, {"helpful": True}, format="json").status_code == 200
    assert other_customer_client.post(vote_url, {"helpful": True}, format="json").status_code == 200  # still one
    consume_streams("--tables", "reviews")
    [shown] = api_client.get(reviews_url(book), {"sort": "helpful"}, **TENANT1).json()["results"]
    assert (shown["helpful_count"], shown["unhelpful_count"]) == (1, 0)

    assert other_customer_client.post(vote_url, {"helpful": False}, format="json").status_code == 200
    consume_streams("--tables", "reviews")
    [shown] = api_client.get(reviews_url(book), **TENANT1).json()["results"]
    assert (shown["helpful_count"], shown["unhelpful_count"]) == (0, 1)

    assert other_customer_client.delete(vote_url).status_code == 204
    assert error_of(other_customer_client.delete(vote_url))["code"] == "vote_not_found"
    consume_streams("--tables", "reviews")
    [shown] = api_client.get(reviews_url(book), **TENANT1).json()["results"]
    assert (shown["helpful_count"], shown["unhelpful_count"]) == (0, 0)
    assert error_of(other_customer_client.post("/api/v1/reviews/nope/vote", {"helpful": True}))["code"] == (
        "review_not_found"
    )


def test_my_reviews_and_tenant_isolation(
    customer_client, book, other_tenant, book_factory, other_tenant_admin_client, api_client
):
    customer_client.post(reviews_url(book), {"score": 4, "title": "Mine"})
    mine = customer_client.get("/api/v1/users/reviews").json()["results"]
    assert [r["title"] for r in mine] == ["Mine"]
    # Another tenant's token cannot read, write or vote in tenant1.
    assert other_tenant_admin_client.get(reviews_url(book), **TENANT1).status_code == 403
    assert other_tenant_admin_client.get(reviews_url(book)).status_code == 404  # no such book in tenant2
    assert other_tenant_admin_client.post(reviews_url(book), {"score": 1}).status_code == 404
    vote = f"/api/v1/reviews/{mine[0]['review_id']}/vote"
    assert other_tenant_admin_client.post(vote, {"helpful": True}, format="json").status_code == 404
    assert api_client.get(reviews_url(book), HTTP_X_TENANT_ID="tenant2").status_code == 404


def test_verified_purchase_is_set_at_write_time_and_cleared_by_the_cancellation(
    customer, customer_client, book, placed_order, consume_streams, api_client
):
    purchase = placed_order(customer, book)
    consume_streams("--tables", "purchases")
    review = customer_client.post(reviews_url(book), {"score": 5}).json()
    assert review["verified_purchase"] is True
    assert listed(api_client, book, verified="true") == [(5, "")]

    purchase_cancel(tenant_id="tenant1", user_id=customer.user_id, purchase_id=purchase.purchase_id)
    consume_streams("--tables", "purchases")
    assert customer_client.get(f"{reviews_url(book)}/mine").json()["verified_purchase"] is False
    assert listed(api_client, book, verified="true") == []


def test_the_browsable_pages_link_the_book_to_its_reviews_form_and_escape_the_text(
    customer_client, other_customer_client, book
):
    customer_client.post(reviews_url(book), {"score": 5, "title": "<script>alert(1)</script>"})
    page = customer_client.get(f"{BOOKS}/{book.book_id}", HTTP_ACCEPT="text/html").content.decode()
    assert f"{reviews_url(book)}" in page  # the book page links its reviews
    listing = other_customer_client.get(reviews_url(book), HTTP_ACCEPT="text/html").content.decode()
    assert 'name="score"' in listing  # the review form
    assert "/vote" in listing  # each review links its vote form
    assert "<script>alert(1)</script>" not in listing
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listing


def test_review_writes_are_rate_limited_per_user(customer_client, other_customer_client, book, settings):
    settings.REVIEW_THROTTLE_PER_USER = (2, 3600)
    assert customer_client.post(reviews_url(book), {"score": 3}).status_code == 201
    assert customer_client.patch(f"{reviews_url(book)}/mine", {"score": 4}, format="json").status_code == 200
    refused = customer_client.patch(f"{reviews_url(book)}/mine", {"score": 5}, format="json")
    assert refused.status_code == 429
    assert error_of(refused)["code"] == "throttled"
    assert "Retry-After" in refused
    assert customer_client.get(f"{reviews_url(book)}/mine").json()["score"] == 4  # reads are not counted
    assert other_customer_client.post(reviews_url(book), {"score": 5}).status_code == 201  # per user
