"""The Athena runner against the emulator's Athena: lifecycle, bound parameters, pages, types, errors.

moto runs no SQL: results are pre-seeded through its `/moto-api/static/athena/query-results`
endpoint and handed to the next query started. Query states follow moto's state manager
(`/moto-api/state-manager/set-transition`), so a query can stay queued for a number of polls.
moto answers GetQueryResults in one page; the pagination test splits that answer into pages
of two rows with botocore event hooks, as Athena pages at 1,000 rows. A FAILED query, which
moto never produces, is likewise injected with a hook.
"""

import json
import urllib.request
from datetime import date
from decimal import Decimal

import boto3
import pytest
from django.conf import settings

from analytics.catalog import analytics_catalog_setup
from analytics.errors import AnalyticsError
from analytics.runners import QueryError
from analytics.runners.athena import AthenaRunner, athena_literal
from bookstore.aws import client

COLUMNS = [("book_id", "varchar"), ("units", "bigint"), ("revenue", "decimal"), ("day", "date")]


def _moto_api(path: str, body: dict) -> None:
    request = urllib.request.Request(
        f"{settings.AWS_ENDPOINT_URL}/moto-api/{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as response:
        assert response.status in (200, 201)


def seed_result(rows: list[list[str | None]]) -> None:
    """Queue one result for the next query: a header row, then `rows`, as Athena returns them."""
    header = [{"VarCharValue": name} for name, _ in COLUMNS]
    data = [{"Data": header}] + [{"Data": [{"VarCharValue": v} if v is not None else {} for v in row]} for row in rows]
    column_info = [{"Name": name, "Type": kind, "Label": name} for name, kind in COLUMNS]
    _moto_api(
        "static/athena/query-results",
        {"region": settings.AWS_REGION, "results": [{"rows": data, "column_info": column_info}]},
    )


@pytest.fixture
def athena():
    analytics_catalog_setup()
    return client("athena")


@pytest.fixture
def queries_stay_queued():
    """Each query reports QUEUED, then RUNNING, for `polls` polls each, before it succeeds."""

    def stay(polls: int) -> None:
        _moto_api(
            "state-manager/set-transition",
            {"model_name": "athena::execution", "transition": {"progression": "manual", "times": polls}},
        )

    yield stay
    _moto_api("state-manager/unset-transition", {"model_name": "athena::execution"})


@pytest.fixture
def hooks(athena):
    registered = []

    def register(event: str, handler) -> None:
        athena.meta.events.register(event, handler)
        registered.append((event, handler))

    yield register
    for event, handler in registered:
        athena.meta.events.unregister(event, handler)


def run(runner=None, params=("tenant1", 20250701)):
    return (runner or AthenaRunner(first_poll_seconds=0.01)).run(
        sql="SELECT book_id, units, revenue, day FROM purchases WHERE tenant = ? AND day = ?",
        params=list(params),
        tenant_id="tenant1",
    )


def test_lifecycle_binds_parameters_polls_until_done_and_converts_types(athena, queries_stay_queued, hooks):
    queries_stay_queued(2)
    polls = []
    hooks("after-call.athena.GetQueryExecution", lambda parsed, **kw: polls.append(parsed["QueryExecution"]))
    seed_result([["b1", "3", "31.50", "2025-07-01"], ["b2", "1", "0.10", None]])

    rows = run(params=["ten'ant1", 20250701])

    assert rows == [
        {"book_id": "b1", "units": 3, "revenue": Decimal("31.50"), "day": date(2025, 7, 1)},
        {"book_id": "b2", "units": 1, "revenue": Decimal("0.10"), "day": None},
    ]
    states = [p["Status"]["State"] for p in polls]
    assert states[0] == "QUEUED"
    assert "RUNNING" in states
    assert states[-1] == "SUCCEEDED"
    execution = polls[-1]
    assert execution["WorkGroup"] == settings.ANALYTICS_ATHENA_WORKGROUP
    assert execution["QueryExecutionContext"]["Database"] == settings.ANALYTICS_GLUE_DATABASE
    assert execution["ExecutionParameters"] == ["'ten''ant1'", "20250701"]  # bound, quoted, not in the SQL
    assert "?" in execution["Query"]
    assert "ten'ant1" not in execution["Query"]


def test_results_are_read_across_pages_without_the_header(athena, hooks):
    page_size = 2

    def remember_token(params, context, **kwargs):
        context["offset"] = int(params.get("NextToken") or 0)

    def split_into_pages(parsed, context, **kwargs):
        rows = parsed["ResultSet"]["Rows"]
        offset = context["offset"]
        parsed["ResultSet"]["Rows"] = rows[offset : offset + page_size]
        if offset + page_size < len(rows):
            parsed["NextToken"] = str(offset + page_size)

    hooks("before-parameter-build.athena.GetQueryResults", remember_token)
    hooks("after-call.athena.GetQueryResults", split_into_pages)
    seed_result([[f"b{n}", str(n), f"{n}.25", "2025-07-02"] for n in range(1, 6)])

    rows = run()

    assert [r["book_id"] for r in rows] == ["b1", "b2", "b3", "b4", "b5"]  # 6 rows with the header: 3 pages
    assert sum(r["revenue"] for r in rows) == Decimal("16.25")


def test_a_failed_query_raises_with_athenas_reason(athena, hooks):
    def fail(parsed, **kwargs):
        parsed["QueryExecution"]["Status"] = {
            "State": "FAILED",
            "StateChangeReason": "HIVE_BAD_DATA",
            "AthenaError": {"ErrorMessage": "HIVE_BAD_DATA: Field subtotal's type INT64 is incompatible"},
        }

    hooks("after-call.athena.GetQueryExecution", fail)
    seed_result([])

    with pytest.raises(QueryError) as failure:
        run()

    assert failure.value.code == AnalyticsError.QUERY_FAILED
    assert failure.value.state == "FAILED"
    assert "HIVE_BAD_DATA: Field subtotal" in failure.value.reason
    assert failure.value.details["reason"] == failure.value.reason


def test_a_query_cancelled_elsewhere_raises(athena, hooks):
    other = boto3.client(
        "athena",
        endpoint_url=settings.AWS_ENDPOINT_URL,
        region_name=settings.AWS_REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    hooks(
        "after-call.athena.StartQueryExecution",
        lambda parsed, **kw: other.stop_query_execution(QueryExecutionId=parsed["QueryExecutionId"]),
    )

    with pytest.raises(QueryError) as failure:
        run()

    assert (failure.value.code, failure.value.state) == (AnalyticsError.QUERY_FAILED, "CANCELLED")


def test_a_query_past_the_timeout_is_stopped(athena, queries_stay_queued, hooks):
    queries_stay_queued(10_000)
    started = []
    hooks("after-call.athena.StartQueryExecution", lambda parsed, **kw: started.append(parsed["QueryExecutionId"]))

    with pytest.raises(QueryError) as failure:
        run(AthenaRunner(first_poll_seconds=0.01, max_poll_seconds=0.02, timeout_seconds=0.1))

    assert failure.value.code == AnalyticsError.QUERY_TIMEOUT
    assert failure.value.code.http_status == 503
    (execution_id,) = started
    state = athena.get_query_execution(QueryExecutionId=execution_id)["QueryExecution"]["Status"]["State"]
    assert state == "CANCELLED"


def test_an_unreachable_athena_is_unavailable(settings):
    settings.AWS_ENDPOINT_URL = "http://127.0.0.1:9"  # the discard port: nothing listens

    with pytest.raises(QueryError) as failure:
        run()

    assert failure.value.code == AnalyticsError.UNAVAILABLE
    assert failure.value.code.http_status == 503


@pytest.mark.parametrize(
    ("value", "literal"),
    [("it's", "'it''s'"), (7, "7"), (Decimal("1.50"), "DECIMAL '1.50'"), (date(2025, 7, 1), "DATE '2025-07-01'")],
)
def test_parameters_become_athena_literals(value, literal):
    assert athena_literal(value) == literal
