"""DynamoDB calls per review endpoint: a listing page is one Query; a write reads at most twice and writes once.

Every write endpoint also counts the caller against REVIEW_THROTTLE_PER_USER: one UpdateItem on
the rate-limit counter, asserted on its own.
"""

import pytest

from reviews.models import ReviewVote

BOOKS = "/api/v1/books"
TENANT1 = {"HTTP_X_TENANT_ID": "tenant1"}
READS = ("GetItem", "Query", "BatchGetItem", "Scan")


def reads(calls) -> int:
    return sum(calls[name] for name in READS)


@pytest.fixture
def reviewed(settings, customer_client, book, api_client):
    """A book with the customer's review, and the tenant lookup cached as in a warm container."""
    settings.TENANT_CACHE_SECONDS = 60
    review = customer_client.post(f"{BOOKS}/{book.book_id}/reviews", {"score": 4}).json()
    api_client.get(f"{BOOKS}/{book.book_id}/reviews", **TENANT1)
    return review


@pytest.mark.parametrize(
    "params", [{}, {"sort": "helpful"}, {"sort": "highest"}, {"sort": "lowest", "score": 4}, {"verified": "false"}]
)
def test_a_page_of_a_books_reviews_is_one_query(api_client, book, reviewed, dynamodb_calls, params):
    dynamodb_calls.clear()
    assert api_client.get(f"{BOOKS}/{book.book_id}/reviews", params, **TENANT1).status_code == 200
    assert dict(dynamodb_calls) == {"Query": 1}


def test_an_empty_first_page_reads_the_book_to_tell_it_from_an_unknown_one(api_client, book, reviewed, dynamodb_calls):
    dynamodb_calls.clear()
    response = api_client.get(f"{BOOKS}/{book.book_id}/reviews", {"verified": "true"}, **TENANT1)
    assert response.json()["results"] == []
    assert dict(dynamodb_calls) == {"Query": 1, "GetItem": 1}


def test_my_reviews_and_the_moderation_list_are_one_query_each(customer_client, admin_client, reviewed, dynamodb_calls):
    admin_client.get("/api/v1/admin/reviews")
    dynamodb_calls.clear()
    assert customer_client.get("/api/v1/users/reviews").status_code == 200
    assert dict(dynamodb_calls) == {"Query": 1}
    dynamodb_calls.clear()
    assert admin_client.get("/api/v1/admin/reviews", {"status": "published"}).status_code == 200
    assert dict(dynamodb_calls) == {"Query": 1}


def test_the_book_page_reads_its_ratings_in_the_same_batch(api_client, book, reviewed, dynamodb_calls):
    dynamodb_calls.clear()
    assert api_client.get(f"{BOOKS}/{book.book_id}", **TENANT1).status_code == 200
    assert dict(dynamodb_calls) == {"BatchGetItem": 1}


def test_writing_a_review_reads_twice_and_writes_one_transaction(other_customer_client, book, reviewed, dynamodb_calls):
    dynamodb_calls.clear()
    assert other_customer_client.post(f"{BOOKS}/{book.book_id}/reviews", {"score": 5}).status_code == 201
    assert reads(dynamodb_calls) == 2  # the author's names, the verified purchase
    assert dynamodb_calls["TransactWriteItems"] == 1  # the review, with a check on the book
    assert dynamodb_calls["UpdateItem"] == 1  # the rate-limit counter


@pytest.fixture
def vote_calls(dynamodb_calls):
    """`dynamodb_calls` counting the votes' client too (ReviewVote shares Review's table, not its client)."""

    def count(model, params, **kwargs):
        dynamodb_calls[model.name] += 1

    events = ReviewVote._get_connection().connection.client.meta.events
    events.register("before-call.dynamodb", count)
    yield dynamodb_calls
    events.unregister("before-call.dynamodb", count)


def test_changing_deleting_and_voting_stay_within_the_budget(
    customer_client, other_customer_client, book, reviewed, vote_calls
):
    dynamodb_calls = vote_calls
    mine = f"{BOOKS}/{book.book_id}/reviews/mine"
    vote = f"/api/v1/reviews/{reviewed['review_id']}/vote"
    for send, expected in [
        (lambda: customer_client.patch(mine, {"score": 3}, format="json"), {"GetItem": 1, "UpdateItem": 2}),
        (
            lambda: other_customer_client.post(vote, {"helpful": True}, format="json"),
            {"Query": 1, "TransactWriteItems": 1, "UpdateItem": 1},
        ),
        (lambda: other_customer_client.delete(vote), {"Query": 1, "UpdateItem": 2}),
        (lambda: customer_client.delete(mine), {"DeleteItem": 1, "UpdateItem": 1}),
    ]:
        dynamodb_calls.clear()
        assert send().status_code in (200, 204)
        assert dict(dynamodb_calls) == expected
