"""Scheduled jobs that fit one invocation: bounded work per call, a checkpoint, and resumption on the next call.

The stage's function times out at 29 s (API Gateway's limit), and its schedules run in the
same function, so a job that may outgrow one invocation works in units (a tenant, or a
tenant's day), in a fixed sorted order, and stops before its time budget runs out:

- the budget comes from Lambda's context (`get_remaining_time_in_millis()`), less a reserve
  for saving the checkpoint and returning (`TimeBudget.from_context`);
- a unit starts only if the budget still holds the longest unit seen so far;
- after each unit the checkpoint (`JobCheckpoint`, one item per job) records it, so the next
  invocation resumes right after it; a unit cut short is redone, and every unit is idempotent.

A run is named by a `run_key`: a run that is finished is not run again under the same key
(the nightly summary of a date), and a new key starts a new run.
"""

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bookstore.dynamodb.clock import now
from bookstore.models import JobCheckpoint

RESERVE_SECONDS = 3.0  # saving the checkpoint, logging and returning, with room to spare


@dataclass(frozen=True)
class TimeBudget:
    """A deadline on the monotonic clock; `None` deadline means unbounded (a command run by hand)."""

    deadline: float | None

    @classmethod
    def unbounded(cls) -> "TimeBudget":
        return cls(deadline=None)

    @classmethod
    def seconds(cls, seconds: float) -> "TimeBudget":
        return cls(deadline=time.monotonic() + seconds)

    @classmethod
    def from_context(cls, context, *, reserve_seconds: float = RESERVE_SECONDS) -> "TimeBudget":
        """The invocation's remaining time (Lambda's context object), less the reserve."""
        remaining = context.get_remaining_time_in_millis() / 1000
        return cls.seconds(max(0.0, remaining - reserve_seconds))

    def left(self) -> float:
        return float("inf") if self.deadline is None else self.deadline - time.monotonic()


@dataclass(frozen=True)
class JobRun:
    """What one invocation did: units done now, units left, and whether the run is finished."""

    done: int
    remaining: int
    finished: bool


def run_resumable(
    *,
    job: str,
    run_key: str,
    units: Iterable[str],
    work: Callable[[str], bool | None],
    budget: TimeBudget,
    continue_unfinished: bool = False,
) -> JobRun:
    """Do `work(unit)` for each unit after the checkpoint, in sorted order, while the budget allows.

    `work` returns False when it stopped inside a unit for want of time: the unit is not
    recorded, and the next invocation starts it again.

    With `continue_unfinished`, an unfinished run under another key is resumed rather than
    restarted (an hourly job whose run outlasts its hour keeps its place).
    """
    try:
        checkpoint = JobCheckpoint.get(job)
    except JobCheckpoint.DoesNotExist:
        checkpoint = None
    if checkpoint and continue_unfinished and not checkpoint.finished:
        run_key = checkpoint.run_key
    if checkpoint is None or checkpoint.run_key != run_key:
        checkpoint = JobCheckpoint(job=job, run_key=run_key, cursor=None, finished=False)
    ordered = sorted(set(units))
    todo = [unit for unit in ordered if checkpoint.cursor is None or unit > checkpoint.cursor]
    if checkpoint.finished:
        return JobRun(done=0, remaining=0, finished=True)
    longest = 0.0
    done = 0
    for unit in todo:
        if budget.left() < longest:
            break
        started = time.monotonic()
        if work(unit) is False:
            break
        longest = max(longest, time.monotonic() - started)
        done += 1
        checkpoint.cursor = unit
        checkpoint.finished = done == len(todo)
        checkpoint.updated_at = now()
        checkpoint.save()
    if not todo and not checkpoint.finished:
        checkpoint.finished = True
        checkpoint.updated_at = now()
        checkpoint.save()
    return JobRun(done=done, remaining=len(todo) - done, finished=checkpoint.finished)
