"""The stage's alarms (deploy/alarms.py): each watches a metric that exists, and putting them is idempotent."""

import boto3
import pytest

from bookstore import metrics
from deploy.alarms import InsightsQuery, MetricRef, Ratio, alarm_parameters, alarms_put, stage_alarms, stage_api_id

TABLES = ["bookstore-prod-books", "bookstore-prod-purchases"]
API_ID = "a1b2c3d4e5"
EMITTED = {metric.name: metric for metric in metrics.METRICS}  # the code's one registry of what it emits


def watched_metric(spec) -> tuple[str, str, tuple[str, ...]]:
    """(namespace, metric name, dimension names) an alarm reads."""
    watched = spec.watches
    if isinstance(watched, Ratio):
        assert watched.numerator.dimensions == watched.denominator.dimensions
        watched = watched.numerator
    if isinstance(watched, MetricRef):
        return watched.namespace, watched.name, tuple(name for name, _ in watched.dimensions)
    assert isinstance(watched, InsightsQuery)
    assert {key for key, _ in watched.where} <= set(watched.schema)
    return watched.namespace, watched.name, watched.schema


@pytest.mark.parametrize("spec", stage_alarms("prod", table_names=TABLES, api_id=API_ID), ids=lambda spec: spec.name)
def test_an_alarm_on_a_metric_of_ours_names_one_the_code_emits_with_its_dimensions(spec):
    namespace, name, dimensions = watched_metric(spec)
    if namespace != metrics.NAMESPACE:
        assert namespace.startswith("AWS/")
        return
    assert name in EMITTED, f"{spec.name} watches {name}, which the code does not emit"
    assert set(dimensions) == set(EMITTED[name].dimension_names)
    if isinstance(spec.watches, MetricRef):
        assert dict(spec.watches.dimensions)[metrics.STAGE_DIMENSION] == "prod"


def test_the_alarms_cover_what_an_operator_must_hear_about():
    names = {spec.name for spec in stage_alarms("prod", table_names=TABLES, api_id=API_ID)}
    assert names == {
        "function-errors", "function-throttles", "streams-iterator-age", "streams-failure-queue",
        "outbound-failure-queue", "outbound-queue-age", "dynamodb-throttled-requests", "dynamodb-system-errors",
        "api-5xx-rate", "requests-5xx", "search-unavailable", "orders-stopped",
    }  # fmt: skip
    assert all(spec.reason for spec in stage_alarms("prod", table_names=TABLES, api_id=API_ID))


def test_rendered_parameters_name_the_stage_resources():
    by_name = {
        spec.name: alarm_parameters(spec, stage="prod", actions=["arn:aws:sns:eu-west-1:1:ops"])
        for spec in stage_alarms("prod", table_names=TABLES, api_id=API_ID)
    }
    errors = by_name["function-errors"]
    assert (errors["AlarmName"], errors["Namespace"], errors["Dimensions"]) == (
        "bookstore-prod-function-errors",
        "AWS/Lambda",
        [{"Name": "FunctionName", "Value": "bookstore-prod"}],
    )
    assert errors["AlarmActions"] == ["arn:aws:sns:eu-west-1:1:ops"]
    queue = by_name["streams-failure-queue"]
    assert queue["Dimensions"] == [{"Name": "QueueName", "Value": "bookstore-prod-stream-failures"}]
    (throttled,) = by_name["dynamodb-throttled-requests"]["Metrics"]
    assert throttled["Expression"] == (
        'SELECT SUM(ThrottledRequests) FROM SCHEMA("AWS/DynamoDB", Operation, TableName)'
        " WHERE TableName = 'bookstore-prod-books' OR TableName = 'bookstore-prod-purchases'"
    )
    (five_xx,) = by_name["requests-5xx"]["Metrics"]
    assert five_xx["Expression"] == (
        'SELECT SUM(Requests) FROM SCHEMA("Bookstore", Stage, Route, StatusClass)'
        " WHERE Stage = 'prod' AND StatusClass = '5xx'"
    )
    rate = by_name["api-5xx-rate"]
    errors_stat, requests_stat, expression = rate["Metrics"]
    assert errors_stat["MetricStat"]["Metric"] == {
        "Namespace": "AWS/ApiGateway",
        "MetricName": "5xx",
        "Dimensions": [{"Name": "ApiId", "Value": API_ID}, {"Name": "Stage", "Value": "prod"}],
    }
    assert requests_stat["MetricStat"]["Metric"]["MetricName"] == "Count"
    assert (expression["Expression"], rate["Threshold"]) == ("IF(requests > 0, 100 * errors / requests, 0)", 1)
    orders = by_name["orders-stopped"]
    assert (orders["ComparisonOperator"], orders["ThresholdMetricId"]) == ("LessThanLowerThreshold", "band")
    assert [query["Id"] for query in orders["Metrics"]] == ["m1", "filled", "band"]


def test_alarms_put_against_the_emulator_twice_leaves_one_of_each(settings):
    cloudwatch = boto3.client(
        "cloudwatch",
        endpoint_url=settings.AWS_ENDPOINT_URL,
        region_name=settings.AWS_REGION,
        aws_access_key_id=settings.AWS_ACCESS_KEY_ID,
        aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY,
    )
    try:
        first = alarms_put(stage="test", client=cloudwatch, api_id=API_ID)
        again = alarms_put(stage="test", client=cloudwatch, api_id=API_ID)

        stored = cloudwatch.describe_alarms(AlarmNamePrefix="bookstore-test-", MaxRecords=100)["MetricAlarms"]
        assert first == again
        assert sorted(alarm["AlarmName"] for alarm in stored) == sorted(first)
        by_name = {alarm["AlarmName"]: alarm for alarm in stored}
        age = by_name["bookstore-test-streams-iterator-age"]
        assert (age["MetricName"], age["Statistic"], age["Threshold"]) == ("IteratorAge", "Maximum", 300_000)
        orders = by_name["bookstore-test-orders-stopped"]
        assert orders["ThresholdMetricId"] == "band"
        metric = orders["Metrics"][0]["MetricStat"]["Metric"]
        assert (metric["Namespace"], metric["MetricName"], metric["Dimensions"]) == (
            "Bookstore",
            "OrdersPlaced",
            [{"Name": "Stage", "Value": "test"}],
        )
        rate = by_name["bookstore-test-api-5xx-rate"]["Metrics"]
        assert rate[0]["MetricStat"]["Metric"]["Dimensions"][0] == {"Name": "ApiId", "Value": API_ID}
        throttled = by_name["bookstore-test-dynamodb-throttled-requests"]["Metrics"][0]["Expression"]
        assert "TableName = 'bookstore-test-books'" in throttled
    finally:
        stored = cloudwatch.describe_alarms(AlarmNamePrefix="bookstore-test-", MaxRecords=100)["MetricAlarms"]
        cloudwatch.delete_alarms(AlarmNames=[alarm["AlarmName"] for alarm in stored])


def test_the_command_prints_the_parameters_of_the_stage_it_names(capsys):
    import json

    from deploy.alarms import main

    assert main(["prod", "--region", "eu-west-1", "--print"]) == 0

    printed = json.loads(capsys.readouterr().out)
    assert len(printed) == len(stage_alarms("prod", table_names=TABLES, api_id=API_ID))
    assert all(alarm["AlarmName"].startswith("bookstore-prod-") for alarm in printed)
    throttled = next(a for a in printed if a["AlarmName"] == "bookstore-prod-dynamodb-throttled-requests")
    expression = throttled["Metrics"][0]["Expression"]
    assert "TableName = 'bookstore-prod-books'" in expression
    assert "bookstore-test-" not in expression


def test_a_stage_without_its_zappa_stack_is_refused_with_the_reason(settings):
    cloudformation = boto3.client(
        "cloudformation",
        endpoint_url=settings.AWS_ENDPOINT_URL,
        region_name=settings.AWS_REGION,
        aws_access_key_id=settings.AWS_ACCESS_KEY_ID,
        aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY,
    )
    with pytest.raises(SystemExit, match="No HTTP API found in the stack bookstore-nostage"):
        stage_api_id(stage="nostage", cloudformation=cloudformation)
