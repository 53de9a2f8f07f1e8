"""The local emulator's DynamoDB transactions behave like DynamoDB's.

Runs moto's threaded server in-process with ``install()`` applied and talks to
it over HTTP with boto3, the way the app does in development. Uses neither
Django nor a database.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from moto.dynamodb.responses import DynamoHandler
from moto.server import ThreadedMotoServer

from local_stack import dynamodb_transactions
from local_stack.dynamodb_transactions import check_upstream_unchanged, install
from local_stack.upstream import UpstreamChangedError

# Unpatched moto only loses the race when copying a table takes long enough
# for other request threads to run, so the contended table gets filler items.
FILLER_ITEMS = 1_000
THREADS = 30

CLIENT_CONFIG = Config(
    region_name="us-east-1",
    max_pool_connections=THREADS + 5,
    # Retries would hide HTTP 500s from the emulator.
    retries={"total_max_attempts": 1},
)


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    install()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def _client(service: str, endpoint: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=CLIENT_CONFIG,
    )


@pytest.fixture(scope="module")
def dynamodb(endpoint: str) -> Any:
    return _client("dynamodb", endpoint)


@pytest.fixture(scope="module")
def streams(endpoint: str) -> Any:
    return _client("dynamodbstreams", endpoint)


def _create_table(dynamodb: Any, filler_items: int = 0) -> str:
    """A pk/sk table with a NEW_AND_OLD_IMAGES stream."""
    name = f"transactions-{uuid.uuid4().hex[:8]}"
    dynamodb.create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    for start in range(0, filler_items, 25):
        filler = [_key(f"FILLER#{n}") | {"x": {"S": "x" * 64}} for n in range(start, start + 25)]
        dynamodb.batch_write_item(RequestItems={name: [{"PutRequest": {"Item": item}} for item in filler]})
    return name


@pytest.fixture(scope="module")
def table(dynamodb: Any) -> str:
    return _create_table(dynamodb)


@pytest.fixture(scope="module")
def busy_table(dynamodb: Any) -> str:
    """A table big enough that unpatched moto's whole-table copies lose the race."""
    return _create_table(dynamodb, filler_items=FILLER_ITEMS)


@pytest.fixture(scope="module")
def stream_arn(dynamodb: Any, table: str) -> str:
    return _stream_arn(dynamodb, table)


def _stream_arn(dynamodb: Any, table: str) -> str:
    return dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"]


def _key(pk: str, sk: str = "META") -> dict[str, dict[str, str]]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def _put(dynamodb: Any, table: str, pk: str, **attrs: int) -> dict[str, Any]:
    item = _key(pk) | {name: {"N": str(value)} for name, value in attrs.items()}
    dynamodb.put_item(TableName=table, Item=item)
    return item


def _get(dynamodb: Any, table: str, pk: str) -> dict[str, Any] | None:
    return dynamodb.get_item(TableName=table, Key=_key(pk), ConsistentRead=True).get("Item")


def _shard_iterator(streams: Any, stream_arn: str, iterator_type: str) -> str:
    shard = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]
    return streams.get_shard_iterator(
        StreamArn=stream_arn,
        ShardId=shard["ShardId"],
        ShardIteratorType=iterator_type,
    )["ShardIterator"]


def _drain(streams: Any, iterator: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    while True:
        page = streams.get_records(ShardIterator=iterator)
        if not page["Records"]:
            return records
        records += page["Records"]
        iterator = page["NextShardIterator"]


def _stream(streams: Any, stream_arn: str) -> list[dict[str, Any]]:
    """Every record in the table's stream, oldest first."""
    return _drain(streams, _shard_iterator(streams, stream_arn, "TRIM_HORIZON"))


def _summary(records: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"]) for r in records]


def _cancellation_codes(error: ClientError) -> list[str]:
    return [reason["Code"] for reason in error.response["CancellationReasons"]]


def _buy_concurrently(dynamodb: Any, table: str, book: str, orders: str) -> Counter[str]:
    """THREADS buyers at once: take one from the book's stock and place an order."""
    start = threading.Barrier(THREADS, timeout=30)

    def buy(_: int) -> str:
        start.wait()
        try:
            dynamodb.transact_write_items(
                TransactItems=[
                    {
                        "Update": {
                            "TableName": table,
                            "Key": _key(book),
                            "UpdateExpression": "SET stock = stock - :one",
                            "ConditionExpression": "stock >= :one",
                            "ExpressionAttributeValues": {":one": {"N": "1"}},
                        }
                    },
                    {
                        "Put": {
                            "TableName": table,
                            "Item": _key(orders, f"ORDER#{uuid.uuid4()}"),
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                ]
            )
        except ClientError as error:
            return error.response["Error"]["Code"]
        return "ok"

    with ThreadPoolExecutor(THREADS) as pool:
        return Counter(pool.map(buy, range(THREADS)))


def test_concurrent_transactions_never_oversell(dynamodb: Any, streams: Any, busy_table: str) -> None:
    stream_arn = _stream_arn(dynamodb, busy_table)
    for _ in range(5):
        book = f"BOOK#{uuid.uuid4()}"
        orders = f"ORDERS#{book}"
        _put(dynamodb, busy_table, book, stock=10)
        latest = _shard_iterator(streams, stream_arn, "LATEST")

        outcomes = _buy_concurrently(dynamodb, busy_table, book, orders)

        assert outcomes == {"ok": 10, "TransactionCanceledException": 20}
        assert _get(dynamodb, busy_table, book)["stock"] == {"N": "0"}
        placed = dynamodb.query(
            TableName=busy_table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": orders}},
        )
        assert placed["Count"] == 10
        # Only the committed purchases reached the stream, one after another.
        records = _drain(streams, latest)
        assert _summary(records) == [("MODIFY", book), ("INSERT", orders)] * 10
        stock_seen = [r["dynamodb"]["NewImage"]["stock"]["N"] for r in records if r["eventName"] == "MODIFY"]
        assert stock_seen == [str(n) for n in range(9, -1, -1)]


def test_transact_get_items_never_sees_a_partial_transaction(dynamodb: Any, busy_table: str) -> None:
    table = busy_table
    left, right = f"LEFT#{uuid.uuid4()}", f"RIGHT#{uuid.uuid4()}"
    _put(dynamodb, table, left, n=100)
    _put(dynamodb, table, right, n=100)
    writers_done = threading.Event()

    def transfer() -> None:
        for _ in range(50):
            dynamodb.transact_write_items(
                TransactItems=[
                    {
                        "Update": {
                            "TableName": table,
                            "Key": _key(source),
                            "UpdateExpression": f"SET n = n {sign} :one",
                            "ExpressionAttributeValues": {":one": {"N": "1"}},
                        }
                    }
                    for source, sign in ((left, "-"), (right, "+"))
                ]
            )

    def read_totals() -> set[int]:
        totals = set()
        while not writers_done.is_set():
            got = dynamodb.transact_get_items(
                TransactItems=[{"Get": {"TableName": table, "Key": _key(pk)}} for pk in (left, right)]
            )
            totals.add(sum(int(r["Item"]["n"]["N"]) for r in got["Responses"]))
        return totals

    with ThreadPoolExecutor(8) as pool:
        readers = [pool.submit(read_totals) for _ in range(4)]
        try:
            for writer in [pool.submit(transfer) for _ in range(4)]:
                writer.result()
        finally:
            writers_done.set()
        observed = set().union(*(reader.result() for reader in readers))

    assert observed == {200}
    assert _get(dynamodb, table, left)["n"] == {"N": "-100"}


def test_cancelled_transaction_changes_nothing(dynamodb: Any, streams: Any, table: str, stream_arn: str) -> None:
    run = uuid.uuid4()
    updated = _put(dynamodb, table, f"UPDATED#{run}", stock=5)
    deleted = _put(dynamodb, table, f"DELETED#{run}", stock=1)
    checked = _put(dynamodb, table, f"CHECKED#{run}", stock=1)
    records_before = _stream(streams, stream_arn)
    latest = _shard_iterator(streams, stream_arn, "LATEST")

    with pytest.raises(ClientError) as cancelled:
        dynamodb.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": table,
                        "Key": _key(f"UPDATED#{run}"),
                        "UpdateExpression": "SET stock = stock - :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}},
                    }
                },
                {"Delete": {"TableName": table, "Key": _key(f"DELETED#{run}")}},
                {"Put": {"TableName": table, "Item": _key(f"PUT#{run}")}},
                {
                    "ConditionCheck": {
                        "TableName": table,
                        "Key": _key(f"CHECKED#{run}"),
                        "ConditionExpression": "stock >= :many",
                        "ExpressionAttributeValues": {":many": {"N": "100"}},
                    }
                },
            ]
        )

    assert cancelled.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert _cancellation_codes(cancelled.value) == [
        "None",
        "None",
        "None",
        "ConditionalCheckFailed",
    ]
    assert _get(dynamodb, table, f"UPDATED#{run}") == updated
    assert _get(dynamodb, table, f"DELETED#{run}") == deleted
    assert _get(dynamodb, table, f"CHECKED#{run}") == checked
    assert _get(dynamodb, table, f"PUT#{run}") is None
    assert _stream(streams, stream_arn) == records_before

    # A reader that was already following the stream sees the next write, so
    # the rollback kept the same stream rather than swapping in a copy.
    _put(dynamodb, table, f"AFTER#{run}", stock=1)
    assert _summary(_drain(streams, latest)) == [("INSERT", f"AFTER#{run}")]


def test_committed_transaction_emits_one_record_per_changed_item(
    dynamodb: Any, streams: Any, table: str, stream_arn: str
) -> None:
    run = uuid.uuid4()
    _put(dynamodb, table, f"UPDATED#{run}", stock=5)
    _put(dynamodb, table, f"DELETED#{run}", stock=1)
    _put(dynamodb, table, f"CHECKED#{run}", stock=1)
    latest = _shard_iterator(streams, stream_arn, "LATEST")

    dynamodb.transact_write_items(
        TransactItems=[
            {
                "Update": {
                    "TableName": table,
                    "Key": _key(f"UPDATED#{run}"),
                    "UpdateExpression": "SET stock = stock - :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}},
                }
            },
            {"Put": {"TableName": table, "Item": _key(f"PUT#{run}")}},
            {"Delete": {"TableName": table, "Key": _key(f"DELETED#{run}")}},
            {
                "ConditionCheck": {
                    "TableName": table,
                    "Key": _key(f"CHECKED#{run}"),
                    "ConditionExpression": "stock >= :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}},
                }
            },
        ]
    )

    records = _drain(streams, latest)
    assert _summary(records) == [
        ("MODIFY", f"UPDATED#{run}"),
        ("INSERT", f"PUT#{run}"),
        ("REMOVE", f"DELETED#{run}"),
    ]
    assert records[0]["dynamodb"]["OldImage"]["stock"] == {"N": "5"}
    assert records[0]["dynamodb"]["NewImage"]["stock"] == {"N": "4"}


def test_cancellation_reasons_keep_order_and_old_image(dynamodb: Any, table: str) -> None:
    run = uuid.uuid4()
    guarded = _put(dynamodb, table, f"GUARDED#{run}", stock=0)

    with pytest.raises(ClientError) as cancelled:
        dynamodb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table, "Item": _key(f"FIRST#{run}")}},
                {
                    "Update": {
                        "TableName": table,
                        "Key": _key(f"GUARDED#{run}"),
                        "UpdateExpression": "SET stock = stock - :one",
                        "ConditionExpression": "stock >= :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}},
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    }
                },
                {"Put": {"TableName": table, "Item": _key(f"LAST#{run}")}},
            ]
        )

    reasons = cancelled.value.response["CancellationReasons"]
    assert _cancellation_codes(cancelled.value) == [
        "None",
        "ConditionalCheckFailed",
        "None",
    ]
    assert reasons[1]["Item"] == guarded
    assert _get(dynamodb, table, f"FIRST#{run}") is None
    assert _get(dynamodb, table, f"LAST#{run}") is None


def test_two_actions_on_one_item_are_rejected_and_rolled_back(
    dynamodb: Any, streams: Any, table: str, stream_arn: str
) -> None:
    run = uuid.uuid4()
    item = _put(dynamodb, table, f"TWICE#{run}", stock=3)
    records_before = _stream(streams, stream_arn)

    with pytest.raises(ClientError) as rejected:
        dynamodb.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": table,
                        "Key": _key(f"TWICE#{run}"),
                        "UpdateExpression": "SET stock = :zero",
                        "ExpressionAttributeValues": {":zero": {"N": "0"}},
                    }
                },
                {"Delete": {"TableName": table, "Key": _key(f"TWICE#{run}")}},
            ]
        )

    assert rejected.value.response["Error"]["Code"] == "ValidationException"
    assert "multiple operations on one item" in str(rejected.value)
    assert _get(dynamodb, table, f"TWICE#{run}") == item
    assert _stream(streams, stream_arn) == records_before


def test_entry_with_two_operations_is_rejected_and_rolled_back(dynamodb: Any, table: str) -> None:
    run = uuid.uuid4()

    with pytest.raises(ClientError) as rejected:
        dynamodb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table, "Item": _key(f"FIRST#{run}")}},
                {
                    "Put": {"TableName": table, "Item": _key(f"SECOND#{run}")},
                    "Delete": {"TableName": table, "Key": _key(f"THIRD#{run}")},
                },
            ]
        )

    assert rejected.value.response["Error"]["Code"] == "ValidationException"
    # Unpatched moto 5.2.5 raises here without undoing the first action.
    assert _get(dynamodb, table, f"FIRST#{run}") is None


def test_more_than_100_actions_are_rejected(dynamodb: Any, table: str) -> None:
    with pytest.raises(ClientError) as rejected:
        dynamodb.transact_write_items(
            TransactItems=[{"Put": {"TableName": table, "Item": _key(f"MANY#{n}")}} for n in range(101)]
        )

    assert rejected.value.response["Error"]["Code"] == "ValidationException"
    assert "less than or equal to 100" in str(rejected.value)
    assert _get(dynamodb, table, "MANY#0") is None


def test_install_is_idempotent(endpoint: str) -> None:
    call_action = DynamoHandler.call_action
    install()
    assert DynamoHandler.call_action is call_action
    assert dynamodb_transactions.is_installed()


def test_upstream_code_is_the_version_the_patch_was_written_for() -> None:
    check_upstream_unchanged()


def test_upstream_change_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    name = "DynamoDBBackend.transact_write_items"
    code, _ = dynamodb_transactions._UPSTREAM_FINGERPRINTS[name]
    monkeypatch.setitem(dynamodb_transactions._UPSTREAM_FINGERPRINTS, name, (code, "0" * 64))

    with pytest.raises(UpstreamChangedError, match=r"DynamoDBBackend\.transact_write_items changed"):
        check_upstream_unchanged()
