"""Query runners: the report SQL runs on Athena (AWS) or DuckDB (local), chosen by settings.

`query_runner()` returns the runner named by ANALYTICS_QUERY_RUNNER; both take the same SQL,
written in the common subset of Trino and DuckDB with `?` placeholders, and return rows
as dicts of Python values (Decimal for DECIMAL columns, date for DATE).
"""

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from analytics.errors import AnalyticsError
from bookstore.errors import ApplicationError

QueryParam = str | int | Decimal | date
Row = dict[str, Any]


class QueryError(ApplicationError):
    """A query that failed, was cancelled or timed out; `reason` is the engine's own words."""

    def __init__(self, code: AnalyticsError, *, reason: str, state: str = ""):
        super().__init__(code, details={"state": state, "reason": reason} if state else {"reason": reason})
        self.reason = reason
        self.state = state


class QueryRunner(ABC):
    """Runs one SQL statement over the lake's tables for one tenant and returns its rows."""

    @abstractmethod
    def run(self, *, sql: str, params: Sequence[QueryParam], tenant_id: str) -> list[Row]:
        """Run `sql` with `params` bound to its `?` placeholders, in order.

        `tenant_id` is also in the SQL's predicate; engines that do not prune by predicate
        (DuckDB over a folder) use it to read only that tenant's files.
        """


def query_runner() -> QueryRunner:
    return import_string(settings.ANALYTICS_QUERY_RUNNER)()
