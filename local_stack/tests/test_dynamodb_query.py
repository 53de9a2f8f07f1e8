"""The patched emulator answers Query and Scan exactly as moto does, from its ordered indexes.

Every case runs against two servers: moto's own (unpatched, in a subprocess of
its own, since the patch is process-wide) and the patched one (in this
process). Both get the same writes; each read must give the same answer, page by
page: items in order, Count, ScannedCount and LastEvaluatedKey, or the same
error. Uses neither Django nor a database.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from moto.dynamodb.models.table import Table

from local_stack import dynamodb_query
from local_stack.dynamodb_query import check_upstream_unchanged, install
from local_stack.tests.moto_servers import patched_server, unpatched_server
from local_stack.upstream import UpstreamChangedError

CLIENT_CONFIG = Config(region_name="us-east-1", retries={"total_max_attempts": 1})


def _client(endpoint: str) -> Any:
    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=CLIENT_CONFIG,
    )


@pytest.fixture(scope="module")
def unpatched() -> Iterator[Any]:
    """Moto's own server, in a process this module's patch never touched."""
    with unpatched_server() as endpoint:
        yield _client(endpoint)


@pytest.fixture(scope="module")
def patched() -> Iterator[Any]:
    with patched_server(install) as endpoint:
        yield _client(endpoint)


class Both:
    """Sends each call to both servers; reads must answer the same."""

    def __init__(self, unpatched: Any, patched: Any) -> None:
        self.unpatched = unpatched
        self.patched = patched

    @staticmethod
    def _call(client: Any, operation: str, kwargs: dict[str, Any]) -> dict[str, Any]:
        try:
            response = getattr(client, operation)(**kwargs)
        except ClientError as error:
            return {"Error": error.response["Error"]["Code"]}
        response.pop("ResponseMetadata", None)
        response.pop("ConsumedCapacity", None)
        return response

    def write(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        """The patched server's answer; both must succeed, or fail with the same error."""
        answers = [self._call(client, operation, kwargs) for client in (self.unpatched, self.patched)]
        assert answers[0].get("Error") == answers[1].get("Error"), operation
        return answers[1]

    def read(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        expected = self._call(self.unpatched, operation, kwargs)
        got = self._call(self.patched, operation, kwargs)
        assert got == expected, kwargs
        return got

    def pages(self, operation: str, **kwargs: Any) -> list[dict[str, Any]]:
        """Every page, following LastEvaluatedKey; each page compared on both servers."""
        pages = []
        while True:
            page = self.read(operation, **kwargs)
            pages.append(page)
            assert len(pages) < 500, "paging does not end"
            if "LastEvaluatedKey" not in page:
                return pages
            kwargs = {**kwargs, "ExclusiveStartKey": page["LastEvaluatedKey"]}


@pytest.fixture(scope="module")
def both(unpatched: Any, patched: Any) -> Both:
    return Both(unpatched, patched)


def _items(pages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [item for page in pages for item in page.get("Items", [])]


def _create(both: Both, *, keys: dict[str, str], key_schema: list[tuple[str, str]], **extra: Any) -> str:
    name = f"query-{uuid.uuid4().hex[:8]}"
    both.write(
        "create_table",
        TableName=name,
        KeySchema=[{"AttributeName": attr, "KeyType": kind} for attr, kind in key_schema],
        AttributeDefinitions=[{"AttributeName": attr, "AttributeType": kind} for attr, kind in keys.items()],
        BillingMode="PAY_PER_REQUEST",
        **extra,
    )
    return name


def _put_all(both: Both, table: str, items: list[dict[str, Any]]) -> None:
    for start in range(0, len(items), 25):
        batch = items[start : start + 25]
        both.write("batch_write_item", RequestItems={table: [{"PutRequest": {"Item": item}} for item in batch]})


def _gsi(name: str, hash_attr: str, range_attr: str | None = None, projection: dict | None = None) -> dict:
    schema = [{"AttributeName": hash_attr, "KeyType": "HASH"}]
    if range_attr:
        schema.append({"AttributeName": range_attr, "KeyType": "RANGE"})
    return {"IndexName": name, "KeySchema": schema, "Projection": projection or {"ProjectionType": "ALL"}}


@pytest.fixture(scope="module")
def catalogue(both: Both) -> str:
    """Books in a few partitions, with a GSI per listing, a sparse GSI and an LSI."""
    table = _create(
        both,
        keys={"pk": "S", "sk": "S", "status": "S", "created": "N", "featured": "S", "title": "S", "price": "N"},
        key_schema=[("pk", "HASH"), ("sk", "RANGE")],
        GlobalSecondaryIndexes=[
            _gsi("by_status", "status", "created"),
            _gsi("featured", "featured", "title", {"ProjectionType": "KEYS_ONLY"}),
            _gsi(
                "by_status_title",
                "status",
                "title",
                {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["price"]},
            ),
            _gsi("by_title", "title"),
        ],
        LocalSecondaryIndexes=[
            {
                "IndexName": "by_price",
                "KeySchema": [
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "price", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["title"]},
            }
        ],
    )
    items = []
    for n in range(120):
        item = {
            "pk": {"S": f"SHELF#{n % 3}"},
            "sk": {"S": f"BOOK#{n:03d}"},
            "title": {"S": f"{['Alpha', 'Beta', 'Gamma', 'Al'][n % 4]} {n % 7}"},
            "status": {"S": ["active", "draft"][n % 5 == 0]},
            "created": {"N": str(1000 + (n * 37) % 50)},  # repeats: ties broken by the table key
            "price": {"N": f"{(n * 13) % 40}.{n % 10}"},
            "blurb": {"S": "x" * (n % 11)},
        }
        if n % 4 == 0:
            item["featured"] = {"S": "yes"}
        items.append(item)
    _put_all(both, table, items)
    return table


STRING_CONDITIONS = [
    ("sk = :a", {":a": {"S": "BOOK#010"}}),
    ("sk < :a", {":a": {"S": "BOOK#050"}}),
    ("sk <= :a", {":a": {"S": "BOOK#051"}}),
    ("sk > :a", {":a": {"S": "BOOK#100"}}),
    ("sk >= :a", {":a": {"S": "BOOK#099"}}),
    ("sk BETWEEN :a AND :b", {":a": {"S": "BOOK#020"}, ":b": {"S": "BOOK#060"}}),
    ("sk BETWEEN :a AND :b", {":a": {"S": "BOOK#060"}, ":b": {"S": "BOOK#020"}}),
    ("begins_with(sk, :a)", {":a": {"S": "BOOK#1"}}),
    ("begins_with(sk, :a)", {":a": {"S": "BOOK#0"}}),
    ("begins_with(sk, :a)", {":a": {"S": "NOPE"}}),
]


@pytest.mark.parametrize(("condition", "values"), STRING_CONDITIONS)
@pytest.mark.parametrize("forward", [True, False])
@pytest.mark.parametrize("limit", [None, 1, 7])
def test_string_sort_key_conditions(
    both: Both, catalogue: str, condition: str, values: dict, forward: bool, limit: int | None
) -> None:
    paging = {"Limit": limit} if limit else {}
    pages = both.pages(
        "query",
        TableName=catalogue,
        KeyConditionExpression=f"pk = :pk AND {condition}",
        ExpressionAttributeValues={":pk": {"S": "SHELF#1"}, **values},
        ScanIndexForward=forward,
        **paging,
    )
    keys = [item["sk"]["S"] for item in _items(pages)]
    assert keys == sorted(keys, reverse=not forward)


def test_whole_partition_and_missing_partition(both: Both, catalogue: str) -> None:
    pages = both.pages(
        "query",
        TableName=catalogue,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "SHELF#2"}},
        Limit=9,
    )
    assert len(_items(pages)) == 40
    empty = both.read(
        "query",
        TableName=catalogue,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "SHELF#9"}},
    )
    assert empty["Count"] == 0


@pytest.mark.parametrize("forward", [True, False])
@pytest.mark.parametrize(
    ("condition", "values"),
    [
        ("", {}),
        ("AND created BETWEEN :a AND :b", {":a": {"N": "1010"}, ":b": {"N": "1030.5"}}),
        ("AND created > :a", {":a": {"N": "1040"}}),
        ("AND created <= :a", {":a": {"N": "1005"}}),
        ("AND created = :a", {":a": {"N": "1012.0"}}),
    ],
)
def test_gsi_listing_with_number_range_key(
    both: Both, catalogue: str, forward: bool, condition: str, values: dict
) -> None:
    pages = both.pages(
        "query",
        TableName=catalogue,
        IndexName="by_status",
        KeyConditionExpression=f"#s = :s {condition}",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": "active"}, **values},
        ScanIndexForward=forward,
        Limit=20,
    )
    assert _items(pages)


@pytest.mark.parametrize("forward", [True, False])
def test_gsi_begins_with_and_include_projection(both: Both, catalogue: str, forward: bool) -> None:
    pages = both.pages(
        "query",
        TableName=catalogue,
        IndexName="by_status_title",
        KeyConditionExpression="#s = :s AND begins_with(title, :t)",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": "active"}, ":t": {"S": "Al"}},
        ScanIndexForward=forward,
        Limit=6,
    )
    items = _items(pages)
    assert items
    assert all(set(item) == {"pk", "sk", "status", "title", "price"} for item in items)


def test_sparse_index_holds_only_items_with_its_keys(both: Both, catalogue: str) -> None:
    pages = both.pages(
        "query",
        TableName=catalogue,
        IndexName="featured",
        KeyConditionExpression="featured = :y",
        ExpressionAttributeValues={":y": {"S": "yes"}},
        Limit=8,
    )
    items = _items(pages)
    assert len(items) == 30
    assert all(set(item) == {"pk", "sk", "featured", "title"} for item in items)  # KEYS_ONLY


def test_gsi_without_range_key(both: Both, catalogue: str) -> None:
    pages = both.pages(
        "query",
        TableName=catalogue,
        IndexName="by_title",
        KeyConditionExpression="title = :t",
        ExpressionAttributeValues={":t": {"S": "Alpha 3"}},
        Limit=2,
    )
    assert _items(pages)


@pytest.mark.parametrize("forward", [True, False])
def test_local_secondary_index(both: Both, catalogue: str, forward: bool) -> None:
    pages = both.pages(
        "query",
        TableName=catalogue,
        IndexName="by_price",
        KeyConditionExpression="pk = :pk AND price >= :p",
        ExpressionAttributeValues={":pk": {"S": "SHELF#0"}, ":p": {"N": "10"}},
        ScanIndexForward=forward,
        Limit=5,
    )
    prices = [float(item["price"]["N"]) for item in _items(pages)]
    assert prices == sorted(prices, reverse=not forward)


@pytest.mark.parametrize("limit", [None, 4, 15])
def test_filter_counts_what_was_read(both: Both, catalogue: str, limit: int | None) -> None:
    pages = both.pages(
        "query",
        TableName=catalogue,
        IndexName="by_status",
        KeyConditionExpression="#s = :s AND created >= :c",
        FilterExpression="price > :p",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": "active"}, ":c": {"N": "1020"}, ":p": {"N": "20"}},
        **({"Limit": limit} if limit else {}),
    )
    assert sum(page["ScannedCount"] for page in pages) > sum(page["Count"] for page in pages) > 0


def test_projection_expression_and_select_count(both: Both, catalogue: str) -> None:
    both.pages(
        "query",
        TableName=catalogue,
        KeyConditionExpression="pk = :pk AND begins_with(sk, :b)",
        ProjectionExpression="sk, #t",
        ExpressionAttributeNames={"#t": "title"},
        ExpressionAttributeValues={":pk": {"S": "SHELF#0"}, ":b": {"S": "BOOK#0"}},
        Limit=4,
    )
    both.read(
        "query",
        TableName=catalogue,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "SHELF#0"}},
        Select="COUNT",
    )


def test_exclusive_start_key_written_by_hand(both: Both, catalogue: str) -> None:
    for start in ("BOOK#000", "BOOK#050", "BOOK#0505", "BOOK#200", "A"):
        for forward in (True, False):
            both.read(
                "query",
                TableName=catalogue,
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": {"S": "SHELF#2"}},
                ExclusiveStartKey={"pk": {"S": "SHELF#2"}, "sk": {"S": start}},
                ScanIndexForward=forward,
                Limit=3,
            )


def _keys(item: dict[str, Any]) -> dict[str, Any]:
    return {"pk": item["pk"], "sk": item["sk"]}


def _listing(both: Both, table: str, status: str) -> list[str]:
    pages = both.pages(
        "query",
        TableName=table,
        IndexName="by_status",
        KeyConditionExpression="#s = :s",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": status}},
        Limit=10,
    )
    return [item["sk"]["S"] for item in _items(pages)]


def _small_table(both: Both) -> str:
    table = _create(
        both,
        keys={"pk": "S", "sk": "S", "status": "S", "created": "N"},
        key_schema=[("pk", "HASH"), ("sk", "RANGE")],
        GlobalSecondaryIndexes=[_gsi("by_status", "status", "created")],
    )
    _put_all(
        both,
        table,
        [
            {"pk": {"S": "P"}, "sk": {"S": f"I#{n}"}, "status": {"S": "active"}, "created": {"N": str(n)}}
            for n in range(12)
        ],
    )
    _listing(both, table, "active")  # build the patched server's index before the writes below
    return table


def test_update_that_changes_an_index_key_moves_the_item(both: Both) -> None:
    table = _small_table(both)
    key = {"pk": {"S": "P"}, "sk": {"S": "I#3"}}
    both.write(
        "update_item",
        TableName=table,
        Key=key,
        UpdateExpression="SET #s = :d",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":d": {"S": "draft"}},
    )
    assert "I#3" not in _listing(both, table, "active")
    assert _listing(both, table, "draft") == ["I#3"]

    both.write(
        "update_item",
        TableName=table,
        Key=key,
        UpdateExpression="SET created = :c, #s = :a",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":c": {"N": "100"}, ":a": {"S": "active"}},
    )
    assert _listing(both, table, "active")[-1] == "I#3"
    assert _listing(both, table, "draft") == []

    both.write("update_item", TableName=table, Key=key, UpdateExpression="REMOVE created")
    assert "I#3" not in _listing(both, table, "active")

    # An update that creates the item puts it straight into the index.
    both.write(
        "update_item",
        TableName=table,
        Key={"pk": {"S": "P"}, "sk": {"S": "NEW"}},
        UpdateExpression="SET #s = :a, created = :c",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":a": {"S": "active"}, ":c": {"N": "5.5"}},
    )
    assert "NEW" in _listing(both, table, "active")


def test_puts_and_deletes_keep_every_index(both: Both) -> None:
    table = _small_table(both)
    both.write(
        "put_item",
        TableName=table,
        Item={"pk": {"S": "P"}, "sk": {"S": "I#4"}, "status": {"S": "gone"}, "created": {"N": "4"}},
    )
    both.write("delete_item", TableName=table, Key={"pk": {"S": "P"}, "sk": {"S": "I#5"}})
    both.write("put_item", TableName=table, Item={"pk": {"S": "P"}, "sk": {"S": "I#6"}})  # leaves the sparse index
    listing = _listing(both, table, "active")
    assert not {"I#4", "I#5", "I#6"} & set(listing)
    assert _listing(both, table, "gone") == ["I#4"]
    both.pages(
        "query",
        TableName=table,
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "P"}},
        Limit=4,
    )


def test_transactions_keep_the_indexes(both: Both) -> None:
    table = _small_table(both)

    def move(sk: str, status: str) -> dict:
        return {
            "Update": {
                "TableName": table,
                "Key": {"pk": {"S": "P"}, "sk": {"S": sk}},
                "UpdateExpression": "SET #s = :s",
                "ExpressionAttributeNames": {"#s": "status"},
                "ExpressionAttributeValues": {":s": {"S": status}},
            }
        }

    cancelled = both.write(
        "transact_write_items",
        TransactItems=[
            move("I#1", "draft"),
            {"Delete": {"TableName": table, "Key": {"pk": {"S": "P"}, "sk": {"S": "I#2"}}}},
            {
                "Put": {
                    "TableName": table,
                    "Item": {"pk": {"S": "P"}, "sk": {"S": "I#7"}, "status": {"S": "draft"}, "created": {"N": "7"}},
                }
            },
            {
                "ConditionCheck": {
                    "TableName": table,
                    "Key": {"pk": {"S": "P"}, "sk": {"S": "I#8"}},
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
        ],
    )
    assert cancelled == {"Error": "TransactionCanceledException"}
    assert _listing(both, table, "active") == [f"I#{n}" for n in range(12)]
    assert _listing(both, table, "draft") == []

    both.write("transact_write_items", TransactItems=[move("I#1", "draft"), move("I#2", "draft")])
    assert _listing(both, table, "draft") == ["I#1", "I#2"]


@pytest.mark.parametrize("forward", [True, False])
@pytest.mark.parametrize(
    ("condition", "values"),
    [
        ("n BETWEEN :a AND :b", {":a": {"N": "-5"}, ":b": {"N": "12.5"}}),
        ("n < :a", {":a": {"N": "0"}}),
        ("n >= :a", {":a": {"N": "1e1"}}),
        ("n = :a", {":a": {"N": "3.50"}}),
    ],
)
def test_number_sort_keys(both: Both, forward: bool, condition: str, values: dict) -> None:
    table = _number_table(both)
    pages = both.pages(
        "query",
        TableName=table,
        KeyConditionExpression=f"pk = :pk AND {condition}",
        ExpressionAttributeValues={":pk": {"S": "P"}, **values},
        ScanIndexForward=forward,
        Limit=4,
    )
    assert _items(pages)


def test_begins_with_on_a_number_answers_as_moto(both: Both) -> None:
    table = _number_table(both)
    both.read(
        "query",
        TableName=table,
        KeyConditionExpression="pk = :pk AND begins_with(n, :a)",
        ExpressionAttributeValues={":pk": {"S": "P"}, ":a": {"N": "1"}},
    )


_NUMBER_TABLES: dict[int, str] = {}


def _number_table(both: Both) -> str:
    if id(both) not in _NUMBER_TABLES:
        table = _create(both, keys={"pk": "S", "n": "N"}, key_schema=[("pk", "HASH"), ("n", "RANGE")])
        numbers = ["-20", "-3.25", "0", "0.5", "1", "2", "3.5", "9.99", "10", "11", "100", "1e3", "-1E2"]
        _put_all(both, table, [{"pk": {"S": "P"}, "n": {"N": n}} for n in numbers])
        _NUMBER_TABLES[id(both)] = table
    return _NUMBER_TABLES[id(both)]


@pytest.mark.parametrize("forward", [True, False])
@pytest.mark.parametrize("operator", ["between", "begins_with", "<", ">="])
def test_binary_sort_keys(both: Both, forward: bool, operator: str) -> None:
    table = _create(both, keys={"pk": "S", "b": "B"}, key_schema=[("pk", "HASH"), ("b", "RANGE")])
    blobs = [bytes([a, b]) for a in (0, 1, 97, 250, 255) for b in (0, 98, 255)] + [b"abc", b"abd", b"ab"]
    _put_all(both, table, [{"pk": {"S": "P"}, "b": {"B": blob}} for blob in blobs])
    conditions = {
        "between": ("b BETWEEN :a AND :z", {":a": {"B": b"\x01"}, ":z": {"B": b"ab\xff"}}),
        "begins_with": ("begins_with(b, :a)", {":a": {"B": b"abc"}}),
        "<": ("b < :a", {":a": {"B": b"a"}}),
        ">=": ("b >= :a", {":a": {"B": b"\xfa"}}),
    }
    condition, values = conditions[operator]
    both.pages(
        "query",
        TableName=table,
        KeyConditionExpression=f"pk = :pk AND {condition}",
        ExpressionAttributeValues={":pk": {"S": "P"}, **values},
        ScanIndexForward=forward,
        Limit=3,
    )


def test_hash_only_table_and_its_gsi(both: Both) -> None:
    table = _create(
        both,
        keys={"id": "S", "owner": "S"},
        key_schema=[("id", "HASH")],
        GlobalSecondaryIndexes=[_gsi("by_owner", "owner")],
    )
    _put_all(both, table, [{"id": {"S": f"ID#{n:02d}"}, "owner": {"S": f"O{n % 2}"}} for n in range(30)])
    both.read(
        "query", TableName=table, KeyConditionExpression="id = :i", ExpressionAttributeValues={":i": {"S": "ID#07"}}
    )
    both.pages(
        "query",
        TableName=table,
        IndexName="by_owner",
        KeyConditionExpression="#o = :o",
        ExpressionAttributeNames={"#o": "owner"},
        ExpressionAttributeValues={":o": {"S": "O1"}},
        ScanIndexForward=False,
        Limit=4,
    )
    both.pages("scan", TableName=table, Limit=7)


def test_pages_stop_at_one_megabyte(both: Both) -> None:
    table = _create(both, keys={"pk": "S", "sk": "S"}, key_schema=[("pk", "HASH"), ("sk", "RANGE")])
    big = "x" * 150_000
    _put_all(both, table, [{"pk": {"S": "P"}, "sk": {"S": f"S#{n:02d}"}, "blob": {"S": big}} for n in range(16)])
    for condition in ("", "AND sk < :s"):
        pages = both.pages(
            "query",
            TableName=table,
            KeyConditionExpression=f"pk = :p {condition}",
            ExpressionAttributeValues={":p": {"S": "P"}, **({":s": {"S": "S#10"}} if condition else {})},
        )
        assert len(pages) > 1


def test_errors_are_moto_errors(both: Both, catalogue: str) -> None:
    both.read(
        "query",
        TableName=catalogue,
        IndexName="nope",
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "SHELF#0"}},
    )
    both.read(
        "query",
        TableName=catalogue,
        IndexName="by_status",
        ConsistentRead=True,
        KeyConditionExpression="#s = :s",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": "active"}},
    )


@pytest.mark.parametrize("segments", [None, 1, 3])
@pytest.mark.parametrize("index", [None, "by_status", "by_price"])
def test_scan_pages_and_segments(both: Both, catalogue: str, segments: int | None, index: str | None) -> None:
    indexed = {"IndexName": index} if index else {}
    seen = []
    for segment in range(segments or 1):
        split = {"Segment": segment, "TotalSegments": segments} if segments else {}
        seen += _items(both.pages("scan", TableName=catalogue, Limit=11, **indexed, **split))
    if index is None:
        assert len(seen) == 120


def test_scan_follows_partitions_that_come_and_go(both: Both) -> None:
    table = _small_table(both)
    both.pages("scan", TableName=table, Limit=5)  # build the patched server's order first
    both.write("delete_item", TableName=table, Key={"pk": {"S": "P"}, "sk": {"S": "I#0"}})
    for n in range(1, 12):
        both.write("delete_item", TableName=table, Key={"pk": {"S": "P"}, "sk": {"S": f"I#{n}"}})
    _put_all(both, table, [{"pk": {"S": f"Q{n}"}, "sk": {"S": "X"}} for n in range(9)])
    items = _items(both.pages("scan", TableName=table, Limit=4))
    assert len(items) == 9
    for segment in range(2):
        both.pages("scan", TableName=table, Limit=2, Segment=segment, TotalSegments=2)


def test_an_index_added_later_holds_the_items_already_there(both: Both) -> None:
    table = _small_table(both)
    created = both.write(
        "update_table",
        TableName=table,
        AttributeDefinitions=[{"AttributeName": "created", "AttributeType": "N"}],
        GlobalSecondaryIndexUpdates=[{"Create": _gsi("by_created", "created")}],
    )
    assert "Error" not in created
    for created_at in ("3", "7"):
        found = both.read(
            "query",
            TableName=table,
            IndexName="by_created",
            KeyConditionExpression="created = :c",
            ExpressionAttributeValues={":c": {"N": created_at}},
        )
        assert found["Count"] == 1
    assert _listing(both, table, "active")


def test_scan_with_filter_expression(both: Both, catalogue: str) -> None:
    both.pages(
        "scan",
        TableName=catalogue,
        FilterExpression="price < :p",
        ExpressionAttributeValues={":p": {"N": "10"}},
        Limit=13,
    )


def test_query_reads_only_its_page(both: Both, catalogue: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The patched server never lists the whole table for a Query (moto's does, for every one)."""
    listed = []
    all_items = Table.all_items

    def counting_all_items(self: Table) -> list:
        listed.append(self.name)
        return all_items(self)

    monkeypatch.setattr(Table, "all_items", counting_all_items)
    both.patched.query(
        TableName=catalogue,
        IndexName="by_status",
        KeyConditionExpression="#s = :s",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": "active"}},
        Limit=20,
    )
    both.patched.scan(TableName=catalogue, Limit=20)
    assert listed == []


def test_install_is_idempotent(patched: Any) -> None:
    install()
    assert dynamodb_query.is_installed()
    assert Table.query is dynamodb_query.query


def test_upstream_code_is_the_version_the_patch_was_written_for() -> None:
    check_upstream_unchanged()


def test_upstream_change_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    name = "Table.query"
    code, _ = dynamodb_query._UPSTREAM_FINGERPRINTS[name]
    monkeypatch.setitem(dynamodb_query._UPSTREAM_FINGERPRINTS, name, (code, "0" * 64))

    with pytest.raises(UpstreamChangedError, match=r"Table\.query changed"):
        check_upstream_unchanged()
