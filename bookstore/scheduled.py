"""The stage's scheduled jobs, as Zappa `events` call them: `bookstore.scheduled.<job>(event, context)`.

Each runs a management command, so the same job runs by hand (`manage.py <command>`,
`zappa manage <stage> <command>`) and on the schedule. Zappa has set Django up by then.
Commands are named, not imported, so the core imports no app.

The schedules share the API function and its 29 s timeout, so each passes the command the
time its invocation has left (Lambda's context, less a reserve: bookstore/jobs.py); the
command stops in time, checkpoints, and the next invocation resumes.
"""

from django.core.management import call_command

from bookstore.jobs import TimeBudget


def _seconds_left(context) -> float:
    return max(0.0, TimeBudget.from_context(context).left())


def build_daily_summary(event, context) -> None:
    """Nightly, every 15 minutes until done: compact the last two days' purchase files and write their summaries."""
    call_command("build_daily_summary", time_budget=_seconds_left(context))


def expire_pending_orders(event, context) -> None:
    """Hourly: cancel and restock unpaid orders older than PENDING_ORDER_HOURS (orders)."""
    call_command("expire_pending_orders", time_budget=_seconds_left(context))
