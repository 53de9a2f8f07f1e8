"""The patched emulator writes items into its answers exactly as moto's own serialiser does.

The same writes go to moto's own server (unpatched, in a subprocess) and to the patched
one (in this process); every read's raw JSON body must be equal. Binary values that only a
backend produces (bytes, not base64 text) are checked on the serialiser itself.
"""

from __future__ import annotations

import json
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from moto.core.serialize import BaseJSONSerializer, JSONSerializer, ResponseSerializer
from moto.core.utils import get_service_model

from local_stack import dynamodb_responses
from local_stack.dynamodb_responses import check_upstream_unchanged, install
from local_stack.tests.moto_servers import patched_server, unpatched_server
from local_stack.upstream import UpstreamChangedError

# Streams requests are signed for "dynamodb" too (botocore's signing name for both).
AUTH = "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0"

EVERY_TYPE = {
    "pk": {"S": "book#1"},
    "title": {"S": "Cien años de soledad"},
    "empty": {"S": ""},
    "price": {"N": "19.90"},
    "cover": {"B": "aGVsbG8="},
    "tags": {"SS": ["novela", "clásico"]},
    "sizes": {"NS": ["1", "2.5"]},
    "blobs": {"BS": ["aGVsbG8=", "d29ybGQ="]},
    "authors": {"L": [{"M": {"name": {"S": "García Márquez"}, "born": {"N": "1927"}}}, {"NULL": True}]},
    "stock": {"M": {"count": {"N": "3"}, "active": {"BOOL": True}, "thumb": {"B": "d29ybGQ="}, "none": {"L": []}}},
    "flags": {"M": {}},
    "gone": {"NULL": True},
    "active": {"BOOL": False},
}


class Server:
    """Raw JSON calls to one server: the answer's status and parsed body, as it came."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint

    def call(self, operation: str, body: dict[str, Any], *, service: str = "dynamodb") -> tuple[int, Any]:
        prefix = "DynamoDB_20120810" if service == "dynamodb" else "DynamoDBStreams_20120810"
        request = urllib.request.Request(
            self.endpoint,
            data=json.dumps(body).encode(),
            headers={
                "X-Amz-Target": f"{prefix}.{operation}",
                "Content-Type": "application/x-amz-json-1.0",
                "Authorization": AUTH,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())


@pytest.fixture(scope="module")
def unpatched() -> Iterator[Server]:
    """Moto's own server, in a process no fix touched."""
    with unpatched_server() as endpoint:
        yield Server(endpoint)


@pytest.fixture(scope="module")
def patched() -> Iterator[Server]:
    with patched_server(install) as endpoint:
        yield Server(endpoint)


@pytest.fixture(scope="module")
def table(unpatched: Server, patched: Server) -> str:
    """One table with a stream and a GSI, on both servers, holding an item of every type."""
    name = f"responses-{uuid.uuid4().hex[:8]}"
    for server in (unpatched, patched):
        status, _ = server.call(
            "CreateTable",
            {
                "TableName": name,
                "AttributeDefinitions": [
                    {"AttributeName": "pk", "AttributeType": "S"},
                    {"AttributeName": "title", "AttributeType": "S"},
                ],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "BillingMode": "PAY_PER_REQUEST",
                "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
                "GlobalSecondaryIndexes": [
                    {
                        "IndexName": "by_title",
                        "KeySchema": [{"AttributeName": "title", "KeyType": "HASH"}],
                        "Projection": {"ProjectionType": "ALL"},
                    }
                ],
            },
        )
        assert status == 200
        for n in range(3):
            status, _ = server.call("PutItem", {"TableName": name, "Item": {**EVERY_TYPE, "pk": {"S": f"book#{n}"}}})
            assert status == 200
    return name


def same(unpatched: Server, patched: Server, operation: str, body: dict[str, Any], **kwargs: Any) -> Any:
    expected = unpatched.call(operation, body, **kwargs)
    got = patched.call(operation, body, **kwargs)
    assert got == expected, operation
    return got[1]


KEY = {"pk": {"S": "book#1"}}


@pytest.mark.parametrize(
    ("operation", "body"),
    [
        ("GetItem", {"Key": KEY}),
        (
            "GetItem",
            {
                "Key": KEY,
                "ProjectionExpression": "authors[0].#n, stock.thumb",
                "ExpressionAttributeNames": {"#n": "name"},
            },
        ),
        ("Query", {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "book#1"}}}),
        (
            "Query",
            {
                "IndexName": "by_title",
                "KeyConditionExpression": "title = :t",
                "ExpressionAttributeValues": {":t": EVERY_TYPE["title"]},
                "Limit": 2,
            },
        ),
        ("Scan", {}),
        ("Scan", {"FilterExpression": "price > :p", "ExpressionAttributeValues": {":p": {"N": "5"}}}),
    ],
)
def test_reads_answer_as_moto_does(
    unpatched: Server, patched: Server, table: str, operation: str, body: dict[str, Any]
) -> None:
    answer = same(unpatched, patched, operation, {"TableName": table, **body})
    assert answer.get("Item") or answer.get("Items")


def test_batch_and_transaction_reads_answer_as_moto_does(unpatched: Server, patched: Server, table: str) -> None:
    keys = [{"pk": {"S": f"book#{n}"}} for n in range(3)]
    batch = same(unpatched, patched, "BatchGetItem", {"RequestItems": {table: {"Keys": keys}}})
    assert len(batch["Responses"][table]) == 3
    transaction = same(
        unpatched,
        patched,
        "TransactGetItems",
        {"TransactItems": [{"Get": {"TableName": table, "Key": key}} for key in keys]},
    )
    assert len(transaction["Responses"]) == 3


def test_write_return_values_answer_as_moto_does(unpatched: Server, patched: Server, table: str) -> None:
    item = {**EVERY_TYPE, "pk": {"S": "book#returns"}}
    same(unpatched, patched, "PutItem", {"TableName": table, "Item": item})
    replaced = same(unpatched, patched, "PutItem", {"TableName": table, "Item": item, "ReturnValues": "ALL_OLD"})
    assert replaced["Attributes"]["cover"] == {"B": "aGVsbG8="}
    updated = same(
        unpatched,
        patched,
        "UpdateItem",
        {
            "TableName": table,
            "Key": {"pk": {"S": "book#returns"}},
            "UpdateExpression": "SET stock.#c = stock.#c + :one",
            "ExpressionAttributeNames": {"#c": "count"},
            "ExpressionAttributeValues": {":one": {"N": "1"}},
            "ReturnValues": "ALL_NEW",
        },
    )
    assert updated["Attributes"]["stock"]["M"]["count"] == {"N": "4"}
    deleted = same(
        unpatched,
        patched,
        "DeleteItem",
        {"TableName": table, "Key": {"pk": {"S": "book#returns"}}, "ReturnValues": "ALL_OLD"},
    )
    assert deleted["Attributes"]["blobs"] == EVERY_TYPE["blobs"]


def test_stream_records_answer_as_moto_does(unpatched: Server, patched: Server, table: str) -> None:
    records = []
    for server in (unpatched, patched):
        _, described = server.call("DescribeTable", {"TableName": table})
        arn = described["Table"]["LatestStreamArn"]
        _, stream = server.call("DescribeStream", {"StreamArn": arn}, service="dynamodbstreams")
        shard = stream["StreamDescription"]["Shards"][0]["ShardId"]
        _, iterator = server.call(
            "GetShardIterator",
            {"StreamArn": arn, "ShardId": shard, "ShardIteratorType": "TRIM_HORIZON"},
            service="dynamodbstreams",
        )
        _, got = server.call("GetRecords", {"ShardIterator": iterator["ShardIterator"]}, service="dynamodbstreams")
        records.append([record["dynamodb"] for record in got["Records"]])
    # Times and sequence numbers differ between two servers, and so does SizeBytes by a byte for
    # some records even between two unpatched moto processes; the keys and images must not.
    for record in records[0] + records[1]:
        for varying in ("ApproximateCreationDateTime", "SequenceNumber", "SizeBytes"):
            record.pop(varying, None)
    assert records[1] == records[0]
    assert records[1][0]["NewImage"]["stock"] == EVERY_TYPE["stock"]


def test_bytes_from_a_backend_are_written_as_moto_writes_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """Binary values a backend holds as bytes (nested in maps and lists, in sets) are base64-encoded alike."""
    operation = get_service_model("dynamodb").operation_model("GetItem")
    result = {
        "Item": {
            "cover": {"B": b"\x00\xffcover"},
            "blobs": {"BS": [b"a", b"\x01"]},
            "nested": {"M": {"thumb": {"B": b"thumb"}, "pages": {"L": [{"B": b"p1"}, {"N": 3}]}}},
            "count": {"N": 7},
        }
    }
    install()
    got = JSONSerializer(operation_model=operation).serialize(result)["body"]
    monkeypatch.setattr(
        BaseJSONSerializer, "_serialize_type_structure", dynamodb_responses._upstream_serialize_structure
    )
    expected = JSONSerializer(operation_model=operation).serialize(result)["body"]
    assert json.loads(got) == json.loads(expected)
    assert json.loads(got)["Item"]["count"] == {"N": "7"}


def test_an_item_is_not_walked_member_by_member(patched: Server, table: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The point of the fix: moto's walk tries ten members per attribute value; the patched server tries none."""
    walked = []
    walk = ResponseSerializer._serialize_structure_member

    def counting(self: ResponseSerializer, serialized: Any, value: Any, shape: Any, key: str) -> None:
        walked.append(key)
        walk(self, serialized, value, shape, key)

    monkeypatch.setattr(ResponseSerializer, "_serialize_structure_member", counting)
    status, answer = patched.call("GetItem", {"TableName": table, "Key": KEY})

    assert status == 200
    assert len(answer["Item"]) == len(EVERY_TYPE)
    assert walked == ["Item", "ConsumedCapacity"]


def test_upstream_code_is_the_version_the_patch_was_written_for() -> None:
    check_upstream_unchanged()


def test_upstream_change_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    name = "DynamoType.to_json"
    code, _ = dynamodb_responses._UPSTREAM_FINGERPRINTS[name]
    monkeypatch.setitem(dynamodb_responses._UPSTREAM_FINGERPRINTS, name, (code, "0" * 64))

    with pytest.raises(UpstreamChangedError, match=r"DynamoType\.to_json changed"):
        check_upstream_unchanged()
