"""`streams/lambda_entry.py`: the documented DynamoDB Streams event in, effects and batchItemFailures out."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from streams.lambda_entry import handle

EVENT = Path(__file__).parent / "fixtures" / "dynamodb_stream_event.json"


@pytest.fixture
def aws_event():
    """A DynamoDB Streams event in the AWS documentation's format: a purchase, its cancellation, a book."""
    return json.loads(EVENT.read_text())


def counted_rows(rows: list[dict]) -> set[tuple]:
    """What reports count: each (purchase_id, line, event_type) once."""
    return {(r["purchase_id"], r["line"], r["event_type"], r["quantity"], r["subtotal"]) for r in rows}


def test_the_documented_event_is_processed_and_the_failing_stream_reported(
    aws_event, lake_rows, units_sold, bought_together
):
    response = handle(aws_event, None)

    # The books record reaches sync_books, but its image lacks what a search document needs
    # (isbn, author, category, created_at): only its record fails.
    assert response == {"batchItemFailures": [{"itemIdentifier": "333"}]}
    rows = lake_rows()
    assert sorted((r["line"], r["event_type"]) for r in rows) == [
        (1, "cancelled"), (1, "purchased"), (2, "cancelled"), (2, "purchased"),
    ]  # fmt: skip
    assert {r["_file"].rsplit("/", 1)[0] for r in rows} == {"tenant1/purchases/year=2026/month=01/day=01"}
    cancelled = next(r for r in rows if r["event_type"] == "cancelled" and r["line"] == 2)
    assert cancelled["unit_price"] == Decimal("9.99")
    assert cancelled["event_time"].isoformat() == "2026-01-02T10:00:00+00:00"
    assert units_sold("tenant1", "book-a") == 0
    assert units_sold("tenant1", "book-b") == 0
    assert bought_together("tenant1", "book-a", "book-b") == 0


def test_replays_and_recomposed_batches_change_nothing_that_is_counted(aws_event, lake_rows, units_sold):
    purchase_insert, cancellation, _ = aws_event["Records"]
    handle({"Records": [purchase_insert]})
    once = counted_rows(lake_rows())
    files_once = {r["_file"] for r in lake_rows()}
    assert units_sold("tenant1", "book-a") == 2

    handle({"Records": [purchase_insert]})  # the same batch again: its file is overwritten
    assert {r["_file"] for r in lake_rows()} == files_once
    assert len(lake_rows()) == 2
    handle({"Records": [purchase_insert, purchase_insert]})  # one record twice in a batch
    handle({"Records": [cancellation, purchase_insert]})  # again, inside a differently composed batch

    rows = lake_rows()
    assert counted_rows(r for r in rows if r["event_type"] == "purchased") == once
    assert len({(r["purchase_id"], r["line"], r["event_type"]) for r in rows}) == 4
    assert units_sold("tenant1", "book-a") == 0  # +2 once, -2 once
    handle({"Records": [cancellation]})
    assert units_sold("tenant1", "book-a") == 0
