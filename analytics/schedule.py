"""The nightly Zappa schedule event: the daily summary of yesterday, and again of the day before.

Zappa calls `nightly_daily_summary(event, context)` (see `events` in zappa_settings.json).
The second pass over the day before picks up rows that arrived after last night's run,
such as a cancellation streamed late.
"""

import logging

from analytics.lake_access import lake_tenants
from analytics.services import daily_summary_build, daily_summary_days
from bookstore.dynamodb.clock import now

logger = logging.getLogger(__name__)


def nightly_daily_summary(event=None, context=None) -> dict:
    """Build every tenant's summary for yesterday and the day before; return what was built."""
    built = []
    for day in daily_summary_days(today=now().date()):
        for tenant_id in lake_tenants():
            result = daily_summary_build(tenant_id=tenant_id, day=day)
            built.append({"tenant_id": tenant_id, "day": day.isoformat(), "rows": result.rows_kept})
    logger.info("Nightly daily summary: %d tenant-days", len(built))
    return {"built": built}
