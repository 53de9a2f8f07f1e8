"""The Athena runner: the report SQL on Trino over the Glue tables, with bound parameters.

Values travel as ExecutionParameters, never formatted into the SQL. The runner polls with
backoff until the query finishes or ANALYTICS_ATHENA_TIMEOUT_SECONDS passes (then it stops
the query), pages through GetQueryResults and converts Athena's strings to Python types.
"""

import time
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

from analytics.errors import AnalyticsError
from analytics.runners import QueryError, QueryParam, QueryRunner, Row
from bookstore import aws

SUCCEEDED = "SUCCEEDED"
FAILED_STATES = ("FAILED", "CANCELLED")


def athena_literal(value: QueryParam) -> str:
    """An execution parameter: Athena substitutes each one as a SQL literal."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return f"DECIMAL '{value}'"
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


def _timestamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace(" UTC", "")).replace(tzinfo=UTC)


_CONVERTERS = {
    "tinyint": int,
    "smallint": int,
    "integer": int,
    "bigint": int,
    "decimal": Decimal,
    "double": Decimal,  # never float: exact values from Athena's text
    "float": Decimal,
    "real": Decimal,
    "boolean": lambda text: text == "true",
    "date": date.fromisoformat,
    "timestamp": _timestamp,
}


def athena_value(text: str | None, athena_type: str) -> Any:
    """Athena returns every value as text (or nothing for NULL); convert it by the column's type."""
    if text is None:
        return None
    converter = _CONVERTERS.get(athena_type.split("(")[0].lower())
    return converter(text) if converter else text


class AthenaRunner(QueryRunner):
    def __init__(self, *, first_poll_seconds: float = 0.2, max_poll_seconds: float = 2.0, timeout_seconds=None):
        self.first_poll_seconds = first_poll_seconds
        self.max_poll_seconds = max_poll_seconds
        self.timeout_seconds = (
            timeout_seconds if timeout_seconds is not None else settings.ANALYTICS_ATHENA_TIMEOUT_SECONDS
        )

    def run(self, *, sql: str, params: Sequence[QueryParam], tenant_id: str) -> list[Row]:
        client = aws.client("athena")
        try:
            request: dict[str, Any] = {
                "QueryString": sql,
                "WorkGroup": settings.ANALYTICS_ATHENA_WORKGROUP,
                "QueryExecutionContext": {"Database": settings.ANALYTICS_GLUE_DATABASE},
            }
            if params:
                request["ExecutionParameters"] = [athena_literal(value) for value in params]
            execution_id = client.start_query_execution(**request)["QueryExecutionId"]
            self._wait(client, execution_id)
            return self._rows(client, execution_id)
        except ClientError as exc:
            raise QueryError(
                AnalyticsError.QUERY_FAILED, reason=exc.response["Error"].get("Message", str(exc))
            ) from exc
        except BotoCoreError as exc:  # endpoint unreachable, timeouts, credentials
            raise QueryError(AnalyticsError.UNAVAILABLE, reason=str(exc)) from exc

    def _wait(self, client, execution_id: str) -> None:
        deadline = time.monotonic() + self.timeout_seconds
        delay = self.first_poll_seconds
        while True:
            status = client.get_query_execution(QueryExecutionId=execution_id)["QueryExecution"]["Status"]
            state = status["State"]
            if state == SUCCEEDED:
                return
            if state in FAILED_STATES:
                reason = status.get("AthenaError", {}).get("ErrorMessage") or status.get("StateChangeReason") or state
                raise QueryError(AnalyticsError.QUERY_FAILED, reason=reason, state=state)
            if time.monotonic() + delay > deadline:
                client.stop_query_execution(QueryExecutionId=execution_id)
                raise QueryError(
                    AnalyticsError.QUERY_TIMEOUT,
                    reason=f"Still {state} after {self.timeout_seconds:g} s; the query was stopped.",
                    state=state,
                )
            time.sleep(delay)
            delay = min(delay * 2, self.max_poll_seconds)

    @staticmethod
    def _rows(client, execution_id: str) -> list[Row]:
        rows: list[Row] = []
        columns: list[tuple[str, str]] = []
        pages = client.get_paginator("get_query_results").paginate(QueryExecutionId=execution_id)
        for page_number, page in enumerate(pages):
            result = page["ResultSet"]
            if not columns:
                columns = [(c["Name"], c["Type"]) for c in result["ResultSetMetadata"]["ColumnInfo"]]
            page_rows = result["Rows"][1:] if page_number == 0 else result["Rows"]  # first row: the header
            for row in page_rows:
                cells = [cell.get("VarCharValue") for cell in row["Data"]]
                rows.append({name: athena_value(text, kind) for (name, kind), text in zip(columns, cells, strict=True)})
        return rows
