"""Resumable scheduled jobs (bookstore/jobs.py): a checkpoint per job, a unit cut short is redone, runs by key."""

from bookstore.jobs import TimeBudget, run_resumable
from bookstore.models import JobCheckpoint

UNITS = ["t3", "t1", "t2", "t4"]


def test_a_unit_cut_short_is_redone_by_the_next_invocation_and_a_finished_run_is_not_rerun():
    seen: list[str] = []

    def stops_inside_t3(unit: str) -> bool:
        seen.append(unit)
        return unit != "t3"

    first = run_resumable(job="demo", run_key="r1", units=UNITS, work=stops_inside_t3, budget=TimeBudget.unbounded())
    assert (first.done, first.remaining, first.finished) == (2, 2, False)
    assert JobCheckpoint.get("demo").cursor == "t2"

    second = run_resumable(job="demo", run_key="r1", units=UNITS, work=seen.append, budget=TimeBudget.unbounded())
    assert (second.done, second.finished) == (2, True)
    assert seen == ["t1", "t2", "t3", "t3", "t4"]  # sorted order; t3 again, from its start

    again = run_resumable(job="demo", run_key="r1", units=UNITS, work=seen.append, budget=TimeBudget.unbounded())
    assert (again.done, again.finished) == (0, True)
    fresh = run_resumable(job="demo", run_key="r2", units=UNITS, work=seen.append, budget=TimeBudget.unbounded())
    assert fresh.done == 4


def test_no_unit_starts_without_time_and_an_unfinished_run_can_be_continued_under_a_new_key():
    spent = run_resumable(job="hourly", run_key="h1", units=UNITS, work=lambda u: None, budget=TimeBudget.seconds(0))
    assert (spent.done, spent.finished) == (0, False)
    JobCheckpoint(job="hourly", run_key="h1", cursor="t2", finished=False).save()  # a pass that ran out of time

    seen: list[str] = []
    run = run_resumable(
        job="hourly",
        run_key="h2",
        units=UNITS,
        work=seen.append,
        budget=TimeBudget.unbounded(),
        continue_unfinished=True,
    )
    assert seen == ["t3", "t4"]  # the unfinished pass kept its place
    assert run.finished is True
    assert JobCheckpoint.get("hourly").run_key == "h1"
