"""The emulator's journal (local_stack/journal.py): each acknowledged write once, in order; a replay rebuilds them.

Against the session emulator, on a scratch table of this test: the journal is attached, a
mix of writes is sent (some refused), the table is dropped behind the journal's back, and
the replay must bring back exactly what the acknowledged writes made.
"""

import json
import uuid

import pytest
from botocore.exceptions import ClientError

from bookstore.dynamodb.base import connection
from local_stack.journal import Journal
from local_stack.snapshots import COVERS_FILE, SnapshotKeeper, snapshot_save, snapshots_list
from testing.waiting import wait_until


@pytest.fixture
def journal(tmp_path):
    journal = Journal(directory=tmp_path / "journal")
    journal.attach()
    yield journal
    journal.detach()


def _items(client, table: str) -> list:
    return sorted(json.dumps(item, sort_keys=True, default=repr) for item in client.scan(TableName=table)["Items"])


def _writes(client, table: str) -> int:
    """A mix of writes on `table`, two of them refused; how many were acknowledged."""
    key = {"AttributeName": "pk", "KeyType": "HASH"}
    client.create_table(
        TableName=table,
        KeySchema=[key],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    client.update_time_to_live(TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"})
    for n in range(3):
        client.put_item(TableName=table, Item={"pk": {"S": f"k{n}"}, "bin": {"B": b"\x00\xff"}, "n": {"N": "1"}})
    client.update_item(
        TableName=table,
        Key={"pk": {"S": "k0"}},
        UpdateExpression="ADD n :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
    )
    client.batch_write_item(
        RequestItems={
            table: [{"PutRequest": {"Item": {"pk": {"S": "b"}}}}, {"DeleteRequest": {"Key": {"pk": {"S": "k2"}}}}]
        }
    )
    client.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": table, "Item": {"pk": {"S": "t"}}}},
            {"Update": {"TableName": table, "Key": {"pk": {"S": "k1"}}, "UpdateExpression": "SET s = :s",
                        "ExpressionAttributeValues": {":s": {"S": "x"}}}},
        ]
    )  # fmt: skip
    with pytest.raises(ClientError):  # cancelled: changes nothing, so it is not journaled
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table, "Item": {"pk": {"S": "never"}}}},
                {"ConditionCheck": {"TableName": table, "Key": {"pk": {"S": "k0"}},
                                    "ConditionExpression": "attribute_not_exists(pk)"}},
            ]
        )  # fmt: skip
    with pytest.raises(ClientError):
        client.put_item(TableName=table, Item={"pk": {"S": "k0"}}, ConditionExpression="attribute_not_exists(pk)")
    client.delete_item(TableName=table, Key={"pk": {"S": "b"}})
    return 9


def test_a_replay_rebuilds_exactly_what_the_acknowledged_writes_made(emulator, journal):
    client = connection().client
    table = f"journal-test-{uuid.uuid4().hex[:8]}"
    acknowledged = _writes(client, table)
    expected = _items(client, table)
    journal.detach()
    client.delete_table(TableName=table)  # not journaled: the journal is detached

    replayed = journal.replay()

    assert (replayed.applied, replayed.refused, replayed.torn) == (acknowledged, {}, False)
    assert _items(client, table) == expected
    assert client.describe_time_to_live(TableName=table)["TimeToLiveDescription"]["TimeToLiveStatus"] == "ENABLED"
    client.delete_table(TableName=table)


def test_a_last_line_cut_short_by_a_crash_is_dropped(emulator, journal):
    client = connection().client
    table = f"journal-test-{uuid.uuid4().hex[:8]}"
    acknowledged = _writes(client, table)
    journal.detach()
    client.delete_table(TableName=table)
    (_, last), *_ = reversed(journal.segments())
    with last.open("ab") as segment:
        segment.write(b'{"action":"PutItem","pa')  # the crash came mid-write: that write never answered

    replayed = journal.replay()

    assert (replayed.applied, replayed.torn) == (acknowledged, True)
    assert "cut short" in replayed.summary()
    client.delete_table(TableName=table)


def test_a_snapshot_holds_the_segments_before_it_and_they_are_deleted(journal, tmp_path, tenant_factory):
    tenant_factory()
    snapshot = snapshot_save(directory=tmp_path / "snapshots", journal=journal)

    covers = json.loads((snapshot / COVERS_FILE).read_text())["covers"]
    assert [number for number, _ in journal.segments()] == [covers + 1]  # the one written now
    tenant_factory("journaled-shop")
    bodies = [record["body"] for record, _ in journal.records(after=covers)]
    assert any("journaled-shop" in body for body in bodies), "the write after the snapshot is in the journal"


def test_many_journaled_writes_bring_the_next_snapshot_forward(journal, tmp_path, tenant_factory):
    keeper = SnapshotKeeper(
        directory=tmp_path / "snapshots", interval=3600, journal=journal, writes_per_snapshot=3, check_seconds=0.1
    ).start()
    try:
        for n in range(3):
            tenant_factory(f"busy-shop-{n}")
        wait_until(lambda: snapshots_list(tmp_path / "snapshots"), what="a snapshot before the hour is up")
    finally:
        keeper.stop()


def test_a_snapshot_copied_from_memory_is_the_export_a_scan_makes(journal, tmp_path, customer, book, placed_order):
    from bookstore.dynamodb.exports import export_verify, manifest_read, tables_export

    placed_order(customer, book, quantity=2)
    snapshot = snapshot_save(directory=tmp_path / "snapshots", journal=journal)
    scanned = tables_export(out_dir=tmp_path / "scanned")

    export_verify(snapshot)
    digests = {name: entry["content_digest"] for name, entry in manifest_read(snapshot).tables.items()}
    assert digests == {t.table: t.content_digest for t in scanned.tables}
