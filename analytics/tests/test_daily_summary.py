"""build_daily_summary: compaction that keeps the counted rows, survives a crash, and takes late rows."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from analytics.lake_access import lake_storage, partition_files, read_parquet
from analytics.services import daily_summary_build, daily_summary_days
from analytics.tables import DAILY_SUMMARY_TABLE, PURCHASES_TABLE

DAY = date(2025, 7, 2)
DAY_RANGE = {"from": "2025-07-02", "to": "2025-07-02"}


def _files(tenant_id="tenant1", day=DAY):
    return partition_files(table=PURCHASES_TABLE, tenant_id=tenant_id, day=day)


def _summary_row(tenant_id="tenant1", day=DAY):
    name = DAILY_SUMMARY_TABLE.partition_prefix(tenant_id=tenant_id, day=day) + "summary.parquet"
    (row,) = read_parquet(name).to_pylist()
    return row


def test_compaction_keeps_the_counted_rows_in_one_file(sales, lake, admin_client):
    lake.write(next(p for p in sales if p.tenant_id == "tenant1" and p.created_at.date() == DAY).rows())
    before = admin_client.get("/api/v1/analytics/summary", DAY_RANGE).data
    files_before = _files()
    assert len(files_before) >= 2

    built = daily_summary_build(tenant_id="tenant1", day=DAY)

    files_after = _files()
    assert files_after == [built.compacted_file]
    assert built.rows_kept < built.rows_read  # the duplicated delivery was dropped
    keys = [(r["purchase_id"], r["line"], r["event_type"]) for r in read_parquet(files_after[0]).to_pylist()]
    assert len(keys) == len(set(keys)) == built.rows_kept
    assert admin_client.get("/api/v1/analytics/summary", DAY_RANGE).data == before
    summary = _summary_row()
    assert (summary["orders"], summary["revenue"], summary["cancelled_orders"]) == (
        before["orders"],
        Decimal(before["revenue"]),
        before["cancelled_orders"],
    )
    assert summary["summary_date"] == DAY


def test_a_second_run_changes_nothing(sales, lake):
    first = daily_summary_build(tenant_id="tenant1", day=DAY)
    second = daily_summary_build(tenant_id="tenant1", day=DAY)

    assert second.compacted_file is None  # already one compacted file with no duplicate
    assert _files() == [first.compacted_file]
    assert second.summary == first.summary


def test_a_late_cancellation_is_picked_up_by_the_next_run(sales, lake, admin_client):
    daily_summary_build(tenant_id="tenant1", day=DAY)
    victim = next(p for p in sales if p.tenant_id == "tenant1" and p.created_at.date() == DAY and not p.cancelled)
    before = _summary_row()

    lake.write(victim.rows("cancelled", event_time=victim.created_at + timedelta(days=2)))
    live = admin_client.get("/api/v1/analytics/summary", DAY_RANGE).data  # reports see it at once
    rebuilt = daily_summary_build(tenant_id="tenant1", day=DAY)

    after = _summary_row()
    assert after["cancelled_orders"] == before["cancelled_orders"] + 1
    assert after["revenue"] == before["revenue"] - victim.total
    assert (Decimal(live["revenue"]), live["cancelled_orders"]) == (after["revenue"], after["cancelled_orders"])
    assert _files() == [rebuilt.compacted_file]


def test_a_crash_between_write_and_delete_does_not_double_count(s3_lake, admin_client):
    """On S3, a botocore hook makes the first DeleteObject fail: the job dies with both copies present."""
    purchases = [
        s3_lake.purchase("tenant1", "u1", "2025-07-02", [(0, 2)], hour=9),
        s3_lake.purchase("tenant1", "u2", "2025-07-02", [(1, 1), (2, 1)], hour=10, cancelled=True),
        s3_lake.purchase("tenant1", "u3", "2025-07-02", [(3, 4)], hour=11),
    ]
    s3_lake.write_purchases(purchases)
    s3_lake.write(purchases[0].rows())
    before = admin_client.get("/api/v1/analytics/summary", DAY_RANGE).data
    inputs = _files()

    class Crash(Exception):
        pass

    def crash(**kwargs):
        raise Crash("the job died here")

    events = lake_storage().connection.meta.client.meta.events
    events.register("before-call.s3.DeleteObject", crash)
    try:
        with pytest.raises(Crash):
            daily_summary_build(tenant_id="tenant1", day=DAY)
    finally:
        events.unregister("before-call.s3.DeleteObject", crash)

    both = _files()
    assert len(both) == len(inputs) + 1  # the compacted file beside every file it replaces
    during = admin_client.get("/api/v1/analytics/summary", DAY_RANGE).data
    assert during == before
    assert Decimal(during["revenue"]) == purchases[0].total + purchases[2].total

    rebuilt = daily_summary_build(tenant_id="tenant1", day=DAY)

    assert _files() == [rebuilt.compacted_file]
    assert admin_client.get("/api/v1/analytics/summary", DAY_RANGE).data == before
    assert _summary_row()["revenue"] == purchases[0].total + purchases[2].total


def test_the_command_builds_every_tenant_of_the_lake(sales, lake):
    out = StringIO()

    call_command("build_daily_summary", "--date", "2025-07-02", stdout=out)

    assert len(_files("tenant1")) == len(_files("tenant2")) == 1
    assert _summary_row("tenant2")["tenant_id"] == "tenant2"
    assert "built for 2 tenant(s)" in out.getvalue()


def test_the_command_can_name_one_tenant(sales, lake):
    call_command("build_daily_summary", "--date", "2025-07-02", "--tenant", "tenant2", stdout=StringIO())

    assert len(_files("tenant2")) == 1
    assert len(_files("tenant1")) > 1


def test_an_empty_day_gets_a_zero_summary(lake):
    built = daily_summary_build(tenant_id="tenant1", day=date(2025, 1, 1))

    assert (built.files_read, built.compacted_file) == (0, None)
    row = _summary_row(day=date(2025, 1, 1))
    assert (row["orders"], row["revenue"]) == (0, Decimal("0.00"))


def test_the_nightly_event_builds_yesterday_and_the_day_before(sales, lake, clock):
    from datetime import UTC, datetime

    from bookstore.scheduled import build_daily_summary

    clock.set(datetime(2025, 7, 4, 1, 30, tzinfo=UTC))
    assert daily_summary_days(today=date(2025, 7, 4)) == [date(2025, 7, 3), date(2025, 7, 2)]

    class LambdaContext:  # what Lambda hands the function: the time this invocation has left
        @staticmethod
        def get_remaining_time_in_millis() -> int:
            return 25_000

    build_daily_summary({"source": "aws.events"}, LambdaContext())  # what the Zappa schedule calls

    for tenant_id in ("tenant1", "tenant2"):
        for day in (date(2025, 7, 3), date(2025, 7, 2)):
            assert len(_files(tenant_id, day)) == 1
            assert _summary_row(tenant_id, day)["summary_date"] == day
    assert not _files("tenant1", date(2025, 7, 1))[0].rsplit("/", 1)[1].startswith("compacted-")  # not its night
