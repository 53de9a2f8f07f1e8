"""reviews/aggregates.py: the book's rating aggregates and the helpful counts, moved exactly once by the stream."""

from decimal import Decimal
from io import StringIO

from django.core.management import call_command

from bookstore.aws import client
from catalog.models import BookRatings
from catalog.ratings import rating_listed_sync
from orders.lifecycle import purchase_cancel
from reviews.aggregates import reviews_recount
from reviews.models import BookOwnership
from reviews.services import review_hide, review_restore, vote_cast
from reviews.stream_handlers import count_verified_buyers
from streams.lambda_entry import handle, parse_record
from streams.services import lambda_record
from streams.sources import stream_arn

BOOKS = "/api/v1/books"
TENANT1 = {"HTTP_X_TENANT_ID": "tenant1"}


def shown(api_client, book) -> tuple:
    body = api_client.get(f"{BOOKS}/{book.book_id}", **TENANT1).json()
    histogram = {score: n for score, n in body["rating_histogram"].items() if n}
    return body["rating"], body["rating_count"], histogram


def test_add_edit_hide_restore_and_delete_each_move_the_aggregates(
    tenant, user_factory, client_for, book, admin_client, api_client, consume_streams
):
    readers = [client_for(user_factory(tenant, last_name="Reader")) for _ in range(3)]
    reviews = [
        r.post(f"{BOOKS}/{book.book_id}/reviews", {"score": s}).json() for r, s in zip(readers, [5, 4, 2], strict=True)
    ]
    consume_streams("--tables", "reviews")
    assert shown(api_client, book) == ("3.67", 3, {"2": 1, "4": 1, "5": 1})

    readers[2].patch(f"{BOOKS}/{book.book_id}/reviews/mine", {"score": 5}, format="json")  # one unit from 2 to 5
    consume_streams("--tables", "reviews")
    assert shown(api_client, book) == ("4.67", 3, {"4": 1, "5": 2})

    hidden = admin_client.post(f"/api/v1/admin/reviews/{reviews[0]['review_id']}/hide", {"reason": "Spoilers"})
    assert hidden.status_code == 200, hidden.content
    consume_streams("--tables", "reviews")
    assert shown(api_client, book) == ("4.50", 2, {"4": 1, "5": 1})
    mine = readers[0].get(f"{BOOKS}/{book.book_id}/reviews/mine").json()
    assert (mine["status"], mine["hidden_reason"]) == ("hidden", "Spoilers")
    listed = api_client.get(f"{BOOKS}/{book.book_id}/reviews", **TENANT1).json()["results"]
    assert reviews[0]["review_id"] not in {r["review_id"] for r in listed}
    moderation = admin_client.get("/api/v1/admin/reviews", {"status": "hidden"}).json()["results"]
    assert [r["review_id"] for r in moderation] == [reviews[0]["review_id"]]

    assert admin_client.post(f"/api/v1/admin/reviews/{reviews[0]['review_id']}/restore").status_code == 200
    assert readers[1].delete(f"{BOOKS}/{book.book_id}/reviews/mine").status_code == 204
    consume_streams("--tables", "reviews")
    assert shown(api_client, book) == ("5.00", 2, {"5": 2})
    listing = api_client.get(BOOKS, **TENANT1).json()["results"]
    assert [b["rating"] for b in listing if b["book_id"] == book.book_id] == ["5.00"]


def test_the_book_is_rewritten_only_when_its_rounded_rating_changes(
    tenant, user_factory, review_factory, book, consume_streams, dynamodb_calls
):
    review_factory(user_factory(tenant), book, score=5)
    consume_streams("--tables", "reviews")
    assert rating_listed_sync(tenant_id="tenant1", book_id=book.book_id) is False  # listed already

    dynamodb_calls.clear()
    review_factory(user_factory(tenant), book, score=5)  # the mean stays 5.00
    consume_streams("--tables", "reviews")
    unchanged = dynamodb_calls["UpdateItem"]
    dynamodb_calls.clear()
    review_factory(user_factory(tenant), book, score=2)  # 4.00
    consume_streams("--tables", "reviews")
    # The book's `rating` (the counter sees the registered models' clients: the book's, not its aggregates item's).
    assert dynamodb_calls["UpdateItem"] - unchanged == 1


def _aggregates(book) -> tuple:
    ratings = BookRatings.get(BookRatings.key("tenant1", book.book_id), BookRatings.SORT_KEY, consistent_read=True)
    return int(ratings.rating_count), int(ratings.rating_sum), ratings.histogram, ratings.listed_rating


def _stream_records(pks: set[str], table: str = "reviews") -> list[dict]:
    """This test's records of a stream (by partition key), from its start, in the shape Lambda delivers."""
    streams = client("dynamodbstreams")
    arn = stream_arn(table)
    records = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        while iterator:
            page = streams.get_records(ShardIterator=iterator, Limit=1000)
            records += [
                lambda_record(r, stream_arn=arn) for r in page["Records"] if r["dynamodb"]["Keys"]["pk"]["S"] in pks
            ]
            iterator = page.get("NextShardIterator") if page["Records"] else None
    return records


def test_replaying_the_whole_stream_twice_matches_a_recount(
    tenant, user_factory, client_for, book_factory, admin, consume_streams
):
    books = [book_factory(), book_factory()]
    users = [user_factory(tenant) for _ in range(4)]
    clients = [client_for(u) for u in users]
    ids = {}
    for n, (c, score) in enumerate(zip(clients, [5, 3, 4, 1], strict=True)):
        for book in books:
            ids[(n, book.book_id)] = c.post(f"{BOOKS}/{book.book_id}/reviews", {"score": score}).json()["review_id"]
    clients[1].patch(f"{BOOKS}/{books[0].book_id}/reviews/mine", {"score": 2}, format="json")
    clients[3].delete(f"{BOOKS}/{books[1].book_id}/reviews/mine")
    review_hide(tenant_id="tenant1", review_id=ids[(2, books[0].book_id)], reason="Off topic")
    review_hide(tenant_id="tenant1", review_id=ids[(0, books[1].book_id)], reason="Off topic")
    review_restore(tenant_id="tenant1", review_id=ids[(0, books[1].book_id)])
    vote_cast(tenant_id="tenant1", voter_id=users[1].user_id, review_id=ids[(0, books[0].book_id)], helpful=True)
    vote_cast(tenant_id="tenant1", voter_id=users[2].user_id, review_id=ids[(0, books[0].book_id)], helpful=False)
    vote_cast(tenant_id="tenant1", voter_id=users[2].user_id, review_id=ids[(0, books[0].book_id)], helpful=True)
    consume_streams("--tables", "reviews")
    counted = [_aggregates(b) for b in books]
    assert counted[0][:3] == (3, 8, {"1": 1, "2": 1, "3": 0, "4": 0, "5": 1})

    records = _stream_records({f"tenant1#{b.book_id}" for b in books})
    assert handle({"Records": records}, None) == {"batchItemFailures": []}
    assert handle({"Records": records + records}, None) == {"batchItemFailures": []}

    assert [_aggregates(b) for b in books] == counted
    recount = reviews_recount(tenant_id="tenant1", dry_run=True)
    assert (recount.ratings_corrected, recount.helpful_corrected) == ([], [])


def test_recount_reviews_repairs_the_aggregates_and_removes_ratings_no_review_supports(
    tenant, user_factory, review_factory, book_factory, consume_streams, api_client
):
    reviewed = book_factory()
    unreviewed = book_factory(rating=Decimal("4.80"))  # as set by hand before readers could rate
    review_factory(user_factory(tenant), reviewed, score=4)
    consume_streams("--tables", "reviews")
    BookRatings(BookRatings.key("tenant1", reviewed.book_id), BookRatings.SORT_KEY).update(
        actions=[BookRatings.rating_count.set(7), BookRatings.stars_1.set(3)]
    )
    out = StringIO()
    call_command("recount_reviews", "--tenant", "tenant1", stdout=out)
    assert "corrected the ratings of 2 books" in out.getvalue()
    assert shown(api_client, reviewed) == ("4.00", 1, {"4": 1})
    assert shown(api_client, unreviewed) == (None, 0, {})
    assert reviews_recount(tenant_id="tenant1").ratings_corrected == []


def test_verified_buyers_are_counted_once_however_often_the_purchases_stream_is_replayed(
    customer, book, placed_order, consume_streams, customer_client
):
    first = placed_order(customer, book)
    placed_order(customer, book)
    consume_streams("--tables", "purchases")
    purchase_cancel(tenant_id="tenant1", user_id=customer.user_id, purchase_id=first.purchase_id)
    consume_streams("--tables", "purchases")
    records = [parse_record(r) for r in _stream_records({f"tenant1#{customer.user_id}"}, table="purchases")]
    assert count_verified_buyers(records + records) == []  # this handler alone: the lake's is not under test
    owned = BookOwnership.get(BookOwnership.key("tenant1", customer.user_id), BookOwnership.sort_key(book.book_id))
    assert int(owned.paid_count) == 1  # two paid, one cancelled
    review = customer_client.post(f"{BOOKS}/{book.book_id}/reviews", {"score": 4}).json()
    assert review["verified_purchase"] is True  # the other purchase still counts
