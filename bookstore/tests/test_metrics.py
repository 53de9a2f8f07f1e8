"""The metrics as EMF lines (bookstore/metrics.py): what real requests write, and that each line is valid EMF."""

import pytest
from rest_framework.test import APIClient

from bookstore import metrics
from testing.emf import emf_problems

BOOKS = "/api/v1/books"


def dimensions_of(line: dict) -> list[str]:
    (directive,) = line["_aws"]["CloudWatchMetrics"]
    (names,) = directive["Dimensions"]
    return names


def test_each_request_writes_one_line_by_route_and_status_class_with_the_tenant_undimensioned(
    metric_lines, tenant, book
):
    client = APIClient()
    assert client.get(BOOKS, HTTP_X_TENANT_ID=tenant.tenant_id).status_code == 200
    assert client.get(f"{BOOKS}/{book.book_id}", HTTP_X_TENANT_ID=tenant.tenant_id).status_code == 200
    assert client.get(f"{BOOKS}/no-such-book", HTTP_X_TENANT_ID=tenant.tenant_id).status_code == 404
    assert client.get("/api/v1/no-such-route").status_code == 404
    assert client.get("/static/rest_framework/css/default.css").status_code == 200

    lines = metric_lines("Requests")
    assert [(line["Route"], line["StatusClass"], line["Requests"]) for line in lines] == [
        ("api/v1/books", "2xx", 1),
        ("api/v1/books/<str:book_id>", "2xx", 1),
        ("api/v1/books/<str:book_id>", "4xx", 1),
        ("unmatched", "4xx", 1),
        ("static", "2xx", 1),
    ]
    first = lines[0]
    assert first["_aws"]["CloudWatchMetrics"][0]["Namespace"] == metrics.NAMESPACE
    assert dimensions_of(first) == ["Stage", "Route", "StatusClass"]
    assert (first["Stage"], first["tenant"]) == ("test", tenant.tenant_id)


def test_a_request_over_its_plan_counts_as_throttled_by_plan(metric_lines, settings, clock, tenant_factory):
    from bookstore.tenants import tenant_set_plan

    settings.TENANT_RATE_LIMITS_ENABLED = True
    settings.TENANT_PLANS = {**settings.TENANT_PLANS, "tiny": {"rate": 2, "burst": 2}}
    clock.set(clock.now().replace(microsecond=0))
    shop = tenant_factory()
    tenant_set_plan(tenant_id=shop.tenant_id, plan="tiny")

    codes = [APIClient().get(BOOKS, HTTP_X_TENANT_ID=shop.tenant_id).status_code for _ in range(3)]

    assert codes == [200, 200, 429]
    (line,) = metric_lines("RequestsThrottled")
    assert (line["Plan"], line["tenant"], dimensions_of(line)) == ("tiny", shop.tenant_id, ["Stage", "Plan"])
    assert [line["StatusClass"] for line in metric_lines("Requests")] == ["2xx", "2xx", "4xx"]


def test_a_search_the_engine_cannot_answer_counts_as_search_unavailable(metric_lines, settings, tenant):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # discard port: nothing listens

    response = APIClient().get(f"{BOOKS}/search", {"q": "quijote"}, HTTP_X_TENANT_ID=tenant.tenant_id)

    assert response.status_code == 503
    (line,) = metric_lines("SearchUnavailable")
    assert dimensions_of(line) == ["Stage"]
    assert [(line["Route"], line["StatusClass"]) for line in metric_lines("Requests")] == [
        ("api/v1/books/search", "5xx")
    ]


def test_a_metric_with_dimensions_it_does_not_declare_is_refused_and_never_breaks_the_caller(metric_lines):
    with pytest.raises(ValueError, match="takes the dimensions"):
        metrics.emf_document(
            metrics.REQUESTS, 1, dimensions={"Route": "x", "Tenant": "t"}, properties={}, timestamp_ms=0
        )
    metrics.emit(metrics.REQUESTS, dimensions={"Tenant": "t"})  # logged as a warning, not raised
    metrics.emit(metrics.ORDERS_PLACED, 0)  # a zero count writes nothing
    assert metric_lines() == []


def test_the_validator_finds_what_breaks_an_emf_document():
    good = metrics.emf_document(
        metrics.CHECKOUTS_REFUSED, 1, dimensions={"Reason": "cart_empty"}, properties={}, timestamp_ms=1
    )
    assert emf_problems(good) == []
    assert emf_problems({**good, "Reason": None}) == ["dimension 'Reason' has no string value at the root"]
    assert emf_problems({**good, "CheckoutsRefused": "1"}) == [
        "metric 'CheckoutsRefused' has no numeric value at the root"
    ]
    assert emf_problems({**good, "_aws": {**good["_aws"], "Timestamp": "now"}}) == [
        "_aws.Timestamp is not an integer of epoch milliseconds"
    ]
