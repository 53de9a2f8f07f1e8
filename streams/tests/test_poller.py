"""`streams/poller.py` through `consume_streams`: real table writes in the emulator, then the handlers' effects."""

from decimal import Decimal

import pytest

from bookstore.aws import client
from streams.models import ParkedRecord, StreamCheckpoint


def row_keys(rows: list[dict]) -> list[tuple]:
    return sorted((r["purchase_id"], r["line"], r["event_type"]) for r in rows)


@pytest.fixture
def two_books(book_factory):
    return book_factory(title="Rayuela", category="Fiction"), book_factory(title="Ficciones", category="Stories")


def test_a_checkout_reaches_the_lake_and_the_counters(
    customer, two_books, cart_with, placed_order, consume_streams, lake_rows, units_sold, bought_together
):
    first, second = two_books
    cart_with(customer, first, 2)
    purchase = placed_order(customer, second)

    output = consume_streams("--tables", "purchases")

    assert "Processed" in output
    rows = lake_rows()
    assert row_keys(rows) == [(purchase.purchase_id, 1, "purchased"), (purchase.purchase_id, 2, "purchased")]
    by_book = {r["book_id"]: r for r in rows}
    assert by_book[first.book_id]["quantity"] == 2
    assert by_book[first.book_id]["unit_price"] == Decimal("19.99")
    assert by_book[first.book_id]["subtotal"] == Decimal("39.98")
    assert by_book[first.book_id]["total_amount"] == purchase.total_amount
    assert by_book[first.book_id]["status"] == "completed"
    assert by_book[first.book_id]["tenant_id"] == "tenant1"
    created = rows[0]["created_at"]
    assert rows[0]["_file"].startswith(
        f"tenant1/purchases/year={created:%Y}/month={created:%m}/day={created:%d}/batch-"
    )
    assert units_sold("tenant1", first.book_id) == 2
    assert units_sold("tenant1", second.book_id) == 1
    assert bought_together("tenant1", first.book_id, second.book_id) == 1
    assert bought_together("tenant1", second.book_id, first.book_id) == 1


def test_a_cancellation_writes_cancelled_rows_beside_the_purchase_and_subtracts_once(
    customer, customer_client, two_books, placed_order, consume_streams, lake_rows, units_sold
):
    first, _ = two_books
    purchase = placed_order(customer, first, quantity=3)
    consume_streams("--tables", "purchases")
    response = customer_client.post(f"/api/v1/purchases/{purchase.purchase_id}/cancel")
    assert response.status_code == 200, response.content

    consume_streams("--tables", "purchases")

    rows = lake_rows()
    assert row_keys(rows) == [(purchase.purchase_id, 1, "cancelled"), (purchase.purchase_id, 1, "purchased")]
    cancelled = next(r for r in rows if r["event_type"] == "cancelled")
    purchased = next(r for r in rows if r["event_type"] == "purchased")
    assert cancelled["_file"].rsplit("/", 1)[0] == purchased["_file"].rsplit("/", 1)[0]
    assert cancelled["event_time"] >= purchased["event_time"]
    assert units_sold("tenant1", first.book_id) == 0


def test_a_restart_resumes_after_the_last_processed_record(
    customer, book_factory, placed_order, consume_streams, lake_rows, units_sold
):
    book = book_factory(stock_quantity=50)
    purchases = [placed_order(customer, book) for _ in range(5)]

    first_run = consume_streams("--tables", "purchases", "--batch-size", "2", "--max-records", "2")
    second_run = consume_streams("--tables", "purchases", "--batch-size", "2")

    assert "Processed 2 records." in first_run
    assert "Processed 3 records." in second_run
    keys = row_keys(lake_rows())
    assert keys == sorted((p.purchase_id, 1, "purchased") for p in purchases)  # each exactly once
    assert units_sold("tenant1", book.book_id) == 5


def test_a_poison_record_is_parked_and_the_rest_of_the_shard_flows_on(
    customer, book, placed_order, consume_streams, lake_rows, units_sold, settings
):

    good_before = placed_order(customer, book)
    # A purchase item without created_at or items, written straight to the table: no row can be built.
    client("dynamodb").put_item(
        TableName=f"{settings.DYNAMODB_TABLE_PREFIX}purchases",
        Item={"pk": {"S": "tenant1#poison"}, "sk": {"S": "PURCHASE#poison"}, "tenant_id": {"S": "tenant1"}},
    )
    good_after = placed_order(customer, book)

    consume_streams("--tables", "purchases")

    parked = list(ParkedRecord.query("purchases"))
    assert len(parked) == 1
    assert parked[0].tenant_id == "tenant1"
    assert parked[0].attempts == settings.STREAMS_MAX_ATTEMPTS
    assert "KeyError" in parked[0].reason
    assert row_keys(lake_rows()) == sorted(
        [(good_before.purchase_id, 1, "purchased"), (good_after.purchase_id, 1, "purchased")]
    )
    assert units_sold("tenant1", book.book_id) == 2
    checkpoint = next(c for c in StreamCheckpoint.scan() if c.table == "purchases")
    assert checkpoint.failing_sequence_number is None


def test_a_book_created_renamed_and_deleted_through_the_api_follows_in_search(
    consume_streams, admin_client, api_client, new_isbn
):
    """End to end: the API writes DynamoDB, the poller feeds the books stream to sync_books, search reads it."""

    def found(q: str) -> list[str]:
        body = api_client.get(f"/api/v1/books/search?q={q}", HTTP_X_TENANT_ID="tenant1").json()
        return [hit["title"] for hit in body["results"]]

    body = {"isbn": new_isbn(), "title": "Rayuela", "author": "Julio Cortázar", "category": "Fiction", "price": "15.00"}
    created = admin_client.post("/api/v1/books", body, format="json")
    assert created.status_code == 201
    book_id = created.json()["book_id"]
    assert found("rayuela") == []  # not indexed until the stream is consumed
    consume_streams("--tables", "books")
    assert found("rayuela") == ["Rayuela"]

    admin_client.patch(f"/api/v1/books/{book_id}", {"title": "Historias de cronopios"}, format="json")
    consume_streams("--tables", "books")
    assert found("rayuela") == []
    assert found("cronopios") == ["Historias de cronopios"]

    assert admin_client.delete(f"/api/v1/books/{book_id}").status_code == 204
    consume_streams("--tables", "books")
    assert found("cronopios") == []
    assert list(ParkedRecord.query("books")) == []


def test_records_wait_for_a_stopped_search_engine_and_are_never_parked(
    consume_streams, book_factory, api_client, search_engine
):
    """An outage is not the record's fault: the poller stops before it, parks nothing, and resumes once it is back."""

    def found(q: str) -> list[str]:
        body = api_client.get(f"/api/v1/books/search?q={q}", HTTP_X_TENANT_ID="tenant1").json()
        return [hit["title"] for hit in body["results"]]

    book_factory(title="Rayuela")
    consume_streams("--tables", "books")
    search_engine.stop()
    try:
        book_factory(title="Ficciones")
        for _ in range(5):  # more runs than STREAMS_MAX_ATTEMPTS: still nothing parked
            assert "Processed 0 records." in consume_streams("--tables", "books")
        assert list(ParkedRecord.query("books")) == []
    finally:
        search_engine.start()

    assert "Processed 2 records." in consume_streams("--tables", "books")  # the book and its stock item
    assert found("ficciones") == ["Ficciones"]
    assert found("rayuela") == ["Rayuela"]
    assert list(ParkedRecord.query("books")) == []


def test_a_batch_replayed_after_a_crash_with_more_records_behind_it_writes_each_lake_row_once(
    customer, book, placed_order, consume_streams, lake_rows, units_sold
):
    """The poller died after its handlers wrote a batch and before its checkpoint; the replay reads a longer batch."""
    from streams.lambda_entry import handle
    from streams.poller import StreamPoller
    from streams.services import lambda_record

    first = [placed_order(customer, book) for _ in range(2)]
    poller = StreamPoller(tables=["purchases"])
    poller.discover()
    (cursor,) = poller.cursors.values()  # where the poller stands: after the records of earlier tests
    raws = poller._read(cursor, 10)
    crashed_batch = [lambda_record(raw, stream_arn=cursor.stream_arn) for raw in raws]
    assert handle({"Records": crashed_batch}) == {"batchItemFailures": []}  # ... and the checkpoint never moved
    later = [placed_order(customer, book) for _ in range(2)]

    assert "Processed 4 records." in consume_streams("--tables", "purchases")

    assert row_keys(lake_rows()) == sorted((p.purchase_id, 1, "purchased") for p in first + later)
    assert units_sold("tenant1", book.book_id) == 4
