"""The nightly summary on its schedule (bookstore/scheduled.py, bookstore/jobs.py): bounded, checkpointed, resumed.

A lake of many tenants, each with several small files for yesterday, is more than one short
invocation can compact. The first invocation stops within the time its Lambda context gives
it and records where; the next one finishes; a third finds the night's run done.
"""

import time
from datetime import timedelta

from bookstore import scheduled
from bookstore.jobs import RESERVE_SECONDS
from bookstore.models import JobCheckpoint

TENANTS = [f"shop-{n:02d}" for n in range(60)]
BATCHES = 3


class LambdaContext:
    """Lambda's context object: the time left until the invocation's deadline."""

    def __init__(self, seconds: float):
        self.deadline = time.monotonic() + seconds

    def get_remaining_time_in_millis(self) -> int:
        return int((self.deadline - time.monotonic()) * 1000)


def summaries(lake_root, *days) -> set[tuple[str, str]]:
    """(tenant, day) of every summary file written for `days`."""
    found = set()
    for day in days:
        partition = f"daily_summary/year={day.year}/month={day.month:02d}/day={day.day:02d}/summary.parquet"
        found |= {(tenant, str(day)) for tenant in TENANTS if (lake_root / tenant / partition).exists()}
    return found


def test_one_invocation_stops_in_its_budget_and_the_next_finishes(lake, tmp_path, clock):
    yesterday = (clock.now() - timedelta(days=1)).date()
    nights = (yesterday, yesterday - timedelta(days=1))  # the nightly run builds both
    started = time.monotonic()
    for batch in range(BATCHES):  # each batch writes one small file per tenant, as the stream exporter does
        lake.write_purchases(
            [lake.purchase(tenant, f"user-{batch}", yesterday.isoformat(), [(batch % 4, 1)]) for tenant in TENANTS]
        )
    writing = time.monotonic() - started  # what this machine takes for Parquet work of this size, now
    lake_root = tmp_path / "lake"

    # Half of that after the reserve: a part of the night's work on a fast or a loaded machine alike.
    short = LambdaContext(RESERVE_SECONDS + writing / 2)
    scheduled.build_daily_summary({}, short)
    assert short.get_remaining_time_in_millis() > 0  # it returned before Lambda would have stopped it
    first = summaries(lake_root, *nights)
    checkpoint = JobCheckpoint.get("build_daily_summary")
    assert 0 < len(first) < 2 * len(TENANTS)
    assert checkpoint.finished is False
    assert checkpoint.cursor == max(f"{day}#{tenant}" for tenant, day in first)  # the last unit it finished

    scheduled.build_daily_summary({}, LambdaContext(25))
    assert summaries(lake_root, *nights) == {(tenant, str(day)) for tenant in TENANTS for day in nights}
    assert JobCheckpoint.get("build_daily_summary").finished is True
    compacted = sorted(lake_root.glob(f"*/purchases/year={yesterday.year}/*/*/*.parquet"))
    assert len(compacted) == len(TENANTS)  # one file per tenant's day, none left half-done

    before = {path: path.stat().st_mtime_ns for path in lake_root.rglob("*.parquet")}
    scheduled.build_daily_summary({}, LambdaContext(25))  # the night's run is done: nothing is rewritten
    assert {path: path.stat().st_mtime_ns for path in lake_root.rglob("*.parquet")} == before
