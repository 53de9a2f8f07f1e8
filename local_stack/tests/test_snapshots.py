"""local_stack/snapshots.py: save, keep three, restore the newest good one; `make run` across a restart."""

import json
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from bookstore.dynamodb.base import connection
from bookstore.dynamodb.exports import MANIFEST
from local_stack.processes import LocalRun
from local_stack.snapshots import (
    SNAPSHOTS_KEPT,
    restore_follow_ups,
    snapshot_restore,
    snapshot_save,
    snapshots_list,
)

REPO = Path(settings.BASE_DIR)


@pytest.fixture
def world(customer, book, cart_with, placed_order):
    placed_order(customer, book)
    cart_with(customer, book, 2)
    return customer


def test_a_snapshot_restores_every_item_and_the_user_sees_their_cart(
    world, tmp_path, client_for, stored_items, empty_tables
):
    before = stored_items()
    saved = snapshot_save(directory=tmp_path)
    assert (saved / MANIFEST).is_file()
    empty_tables()

    restored = snapshot_restore(directory=tmp_path)

    assert restored.path == saved
    assert stored_items() == before
    assert (
        restored.summary()
        == f"Restored snapshot {saved.name}: 1 tenants, 1 users, 2 book, stock and rating items, 1 purchases."
    )
    cart = client_for(world).get("/api/v1/cart").json()
    assert [line["quantity"] for line in cart["items"]] == [2]


def test_a_snapshot_is_saved_only_if_something_changed_and_three_are_kept(world, tmp_path, cart_with, book_factory):
    first = snapshot_save(directory=tmp_path)
    assert snapshot_save(directory=tmp_path) is None
    saved = [first]
    for quantity in range(3, 3 + SNAPSHOTS_KEPT + 1):
        cart_with(world, book_factory(), quantity)
        saved.append(snapshot_save(directory=tmp_path))
    assert all(saved)
    assert snapshots_list(tmp_path) == saved[-SNAPSHOTS_KEPT:]


def test_a_save_cut_short_leaves_the_last_good_snapshot_in_place(world, tmp_path, cart_with, book_factory):
    good = snapshot_save(directory=tmp_path)
    cart_with(world, book_factory(), 5)
    client = connection().client
    scans = []

    def fail_the_third_scan(**kwargs):
        # Fault injection: the emulator goes away in the middle of the export.
        scans.append(1)
        if len(scans) == 3:
            raise ConnectionError("emulator gone")

    client.meta.events.register("before-call.dynamodb.Scan", fail_the_third_scan)
    try:
        with pytest.raises(ConnectionError):
            snapshot_save(directory=tmp_path)
    finally:
        client.meta.events.unregister("before-call.dynamodb.Scan", fail_the_third_scan)

    assert snapshots_list(tmp_path) == [good]
    assert any(p.name.startswith(".tmp-") for p in tmp_path.iterdir())
    latest = snapshot_save(directory=tmp_path)
    assert snapshots_list(tmp_path) == [good, latest]
    assert not any(p.name.startswith(".tmp-") for p in tmp_path.iterdir())


def test_a_damaged_newest_snapshot_falls_back_to_the_one_before(
    world, tmp_path, cart_with, book_factory, stored_items, empty_tables
):
    older = snapshot_save(directory=tmp_path)
    expected = stored_items()
    cart_with(world, book_factory(), 7)
    newest = snapshot_save(directory=tmp_path)
    manifest = json.loads((newest / MANIFEST).read_text())
    (newest / manifest["tables"]["shopping_cart"]["file"]).write_bytes(b"not gzip")
    empty_tables()

    restored = snapshot_restore(directory=tmp_path)

    assert restored.path == older
    assert stored_items() == expected


def test_after_a_restore_the_poller_starts_after_the_restored_items(
    consume_streams, lake_rows, world, tmp_path, placed_order, book_factory, empty_tables
):
    assert consume_streams() != "Processed 0 records.\n"
    rows = lake_rows()
    assert len(rows) == 1
    snapshot_save(directory=tmp_path)
    empty_tables()  # a fresh emulator: no items, no checkpoints

    snapshot_restore(directory=tmp_path)
    assert "consume_streams" in restore_follow_ups()

    assert consume_streams() == "Processed 0 records.\n"  # the restored items are not new purchases
    assert lake_rows() == rows
    new = placed_order(world, book_factory())  # with the cart's line: two lines
    assert consume_streams() != "Processed 0 records.\n"
    after = lake_rows()
    assert [r for r in after if r["purchase_id"] != new.purchase_id] == rows
    assert sorted(r["line"] for r in after if r["purchase_id"] == new.purchase_id) == [1, 2]


def test_no_snapshot_restores_nothing(tmp_path):
    assert snapshot_restore(directory=tmp_path / "none") is None


# --- make run across a restart (a real process, stopped with SIGTERM) -----------------------


def _call(url: str, body: dict | None = None, token: str | None = None) -> dict:
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers), timeout=30) as response:
        return json.loads(response.read() or b"{}")


def test_make_run_keeps_users_carts_and_orders_across_a_sigterm_restart(tmp_path):
    login = {"email": "ana@example.com", "password": "a-long-password-1", "tenant_id": "tenant1"}
    run = LocalRun(state=tmp_path).start()
    try:
        assert "No snapshot" in run.output()
        _call(run.url("users/register"), {**login, "first_name": "Ana", "last_name": "López"})
        token = _call(run.url("users/login"), login)["access"]
        book_id = _call(run.url("books?limit=2&tenant_id=tenant1"))["results"][1]["book_id"]
        _call(run.url("cart/add"), {"book_id": book_id, "quantity": 3}, token)
        assert run.stop() == 0, run.output()
        assert "Saved snapshot" in run.output()
        assert len(snapshots_list(tmp_path / "snapshots")) == 1

        run.start()
        assert "Restored snapshot" in run.output()
        # 40 books with their stock items, and the rating items of the 35 books the demo's seeded reviews reach.
        assert "2 tenants, 3 users, 115 book, stock and rating items, 0 purchases" in run.output()
        token = _call(run.url("users/login"), login)["access"]
        cart = _call(run.url("cart"), token=token)
        assert [(line["book_id"], line["quantity"]) for line in cart["items"]] == [(book_id, 3)]
        _call(run.url("cart/add"), {"book_id": book_id, "quantity": 1}, token)  # a change: the stop saves again
        assert run.stop() == 0, run.output()
        assert len(snapshots_list(tmp_path / "snapshots")) == 2
    finally:
        run.kill()
