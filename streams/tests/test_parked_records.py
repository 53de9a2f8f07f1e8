"""`parked_records list|replay` (streams/services.py) on records the poller parked."""

import json
from io import StringIO

from django.core.management import call_command

from streams.models import ParkedRecord


def run(*args: str) -> str:
    out = StringIO()
    call_command("parked_records", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_parked_records_are_listed_and_a_replay_that_fails_again_keeps_them(
    search_writes_blocked, consume_streams, book, settings
):
    consume_streams("--tables", "books")  # the index refuses the write: the INSERT is parked

    listing = run("list", "--tables", "books")
    assert "tenant=tenant1" in listing
    assert "INSERT" in listing
    assert "1 parked records." in listing
    assert "0 parked records." in run("list", "--tenant", "tenant2")

    assert "Replayed 0 of 1 parked records; 1 still fail." in run("replay", "--tables", "books")
    (parked,) = ParkedRecord.query("books")
    assert parked.attempts == settings.STREAMS_MAX_ATTEMPTS + 1
    assert "SearchIndexingError" in parked.reason


def test_a_replay_that_succeeds_removes_the_record(consume_streams, lake_rows, customer, book, placed_order, settings):
    from bookstore.aws import client

    client("dynamodb").put_item(
        TableName=f"{settings.DYNAMODB_TABLE_PREFIX}purchases",
        Item={"pk": {"S": "tenant1#late"}, "sk": {"S": "PURCHASE#late"}, "tenant_id": {"S": "tenant1"}},
    )
    consume_streams("--tables", "purchases")
    (parked,) = ParkedRecord.query("purchases")
    # The record is fixed where it failed: its stored image gets the fields the handler needs.
    purchase = placed_order(customer, book)
    record = json.loads(parked.record)
    image = client("dynamodb").get_item(
        TableName=purchase.Meta.table_name, Key={"pk": {"S": purchase.pk}, "sk": {"S": purchase.sk}}
    )["Item"]
    record["dynamodb"]["NewImage"] = image
    parked.update(actions=[ParkedRecord.record.set(json.dumps(record))])

    assert "Replayed 1 of 1 parked records" in run("replay")
    assert list(ParkedRecord.query("purchases")) == []
    assert {r["purchase_id"] for r in lake_rows()} == {purchase.purchase_id}


def test_batches_lambda_gave_up_on_are_collected_from_the_failure_queue(streams_from_now, book, settings):
    from bookstore.aws import client
    from streams.sources import stream_arn
    from streams.wiring import failure_queue_arn

    arn = stream_arn("books")
    shard = client("dynamodbstreams").describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][-1]["ShardId"]
    iterator = client("dynamodbstreams").get_shard_iterator(
        StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    mine = []
    while iterator:  # the session's stream holds every earlier test's writes: read to its end
        page = client("dynamodbstreams").get_records(ShardIterator=iterator, Limit=1000)
        mine += [r for r in page["Records"] if r["dynamodb"]["Keys"]["pk"]["S"] == book.pk]
        iterator = page.get("NextShardIterator") if page["Records"] else None
    assert mine
    failure_queue_arn()  # creates the queue, as wire_streams does
    queue = client("sqs").get_queue_url(QueueName=settings.STREAMS_FAILURE_QUEUE)["QueueUrl"]
    # The message Lambda sends to an on-failure destination for a stream batch (AWS documentation's shape).
    message = {
        "requestContext": {"condition": "RetryAttemptsExhausted", "approximateInvokeCount": 4},
        "responseContext": {"statusCode": 200, "functionError": "Unhandled"},
        "version": "1.0",
        "DDBStreamBatchInfo": {
            "shardId": shard,
            "startSequenceNumber": mine[0]["dynamodb"]["SequenceNumber"],
            "endSequenceNumber": mine[-1]["dynamodb"]["SequenceNumber"],
            "batchSize": len(mine),
            "streamArn": arn,
        },
    }
    client("sqs").send_message(QueueUrl=queue, MessageBody=json.dumps(message))

    assert f"Collected 1 failed batches: {len(mine)} records parked" in run("collect")

    parked = list(ParkedRecord.query("books"))
    assert {p.sequence_number for p in parked} == {r["dynamodb"]["SequenceNumber"] for r in mine}
    assert all(p.tenant_id == "tenant1" and "RetryAttemptsExhausted" in p.reason for p in parked)
    assert json.loads(parked[0].record)["eventSourceARN"] == arn
    assert client("sqs").receive_message(QueueUrl=queue).get("Messages", []) == []
    assert "Collected 0 failed batches" in run("collect")
