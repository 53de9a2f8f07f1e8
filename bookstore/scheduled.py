"""The stage's scheduled jobs, as Zappa `events` call them: `bookstore.scheduled.<job>(event, context)`.

Each runs a management command, so the same job runs by hand (`manage.py <command>`,
`zappa manage <stage> <command>`) and on the schedule. Zappa has set Django up by then.
Commands are named, not imported, so the core imports no app.
"""

from django.core.management import call_command


def build_daily_summary(event, context) -> None:
    """Nightly: compact yesterday's purchase files and write its daily summary (analytics)."""
    call_command("build_daily_summary")


def expire_pending_orders(event, context) -> None:
    """Hourly: cancel and restock unpaid orders older than PENDING_ORDER_HOURS (orders)."""
    call_command("expire_pending_orders")
