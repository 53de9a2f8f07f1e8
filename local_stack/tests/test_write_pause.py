"""local_stack/write_pause.py: while an export reads, the emulator holds writes and serves reads."""

import threading
import time

import pytest

from bookstore.dynamodb.base import connection
from bookstore.dynamodb.exports import MANIFEST, manifest_read, tables_export
from catalog.models import SalesMarker
from local_stack.write_pause import WritesResumedEarly, writes_paused
from testing.waiting import wait_until


def _marker(name: str) -> dict:
    return {"key": {"S": name}}


def test_a_write_waits_for_the_pause_to_end_while_reads_are_served():
    client = connection().client
    table = SalesMarker.Meta.table_name
    client.put_item(TableName=table, Item=_marker("before"))
    written = threading.Event()

    def write() -> None:
        client.put_item(TableName=table, Item=_marker("during"))
        written.set()

    with writes_paused():
        writer = threading.Thread(target=write)
        writer.start()
        time.sleep(0.5)
        assert not written.is_set(), "a write ran during the pause"
        assert client.get_item(TableName=table, Key=_marker("before"), ConsistentRead=True)["Item"]
    wait_until(written.is_set, what="the held write, after the pause")
    writer.join()


def test_a_pause_whose_lease_ran_out_says_so():
    with pytest.raises(WritesResumedEarly), writes_paused(seconds=0.2):
        time.sleep(0.4)


def test_export_tables_reads_with_the_writes_held(tmp_path, tenant_factory):
    tenant_factory("before-shop")
    client = connection().client
    done = threading.Event()

    def keep_writing() -> None:
        n = 0
        while not done.is_set():
            client.put_item(TableName=SalesMarker.Meta.table_name, Item=_marker(f"during-{n}"))
            n += 1

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        result = tables_export(out_dir=tmp_path / "export", tables=["sales_markers", "tenants"])
    finally:
        done.set()
        writer.join()
    assert (tmp_path / "export" / MANIFEST).is_file()
    assert manifest_read(tmp_path / "export").counts() == result.counts()
