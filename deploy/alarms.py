"""The stage's CloudWatch alarms, declared as data, rendered to PutMetricAlarm parameters, and applied idempotently.

`stage_alarms(stage, table_names=...)` lists what is watched and why (`AlarmSpec.reason`);
`alarm_parameters(spec, stage=..., actions=...)` renders one spec to the keyword arguments of
CloudWatch's PutMetricAlarm; `alarms_put(stage=..., client=...)` puts them all. PutMetricAlarm
replaces an alarm of the same name, so applying twice changes nothing: it is a control-plane
step for the operator's credentials (the request-serving role holds no CloudWatch write).

    python -m deploy.alarms prod --region eu-west-1 --notify arn:aws:sns:eu-west-1:123456789012:ops
    python -m deploy.alarms prod --region eu-west-1 --print    # the parameters, nothing sent

Three shapes of alarm:

- one metric and a static threshold (`MetricRef`): AWS's own metrics (Lambda, SQS, API Gateway)
  and ours (bookstore/metrics.py, namespace `Bookstore`, always with the `Stage` dimension);
- a Metrics Insights query (`InsightsQuery`), to sum a metric over a set of dimension values
  (DynamoDB publishes ThrottledRequests and SystemErrors per table *and* operation; our
  `Requests` per route);
- a ratio of two metrics (`Ratio`), as a percentage: the HTTP API's 5xx over its requests
  (an HTTP API publishes counts, `5xx` and `Count` per `ApiId` and `Stage`, not a rate);
- an anomaly detection band (`anomaly_band`): the metric, with missing periods filled as zero,
  against the band CloudWatch learns from its history; the alarm fires when the value falls
  below the band's lower edge.

Orders placed use the band. A static "fewer than N orders an hour" either fires every night
(N > 0 at hours with no orders) or never (N = 0 is never "below"); the band learns the
stage's daily and weekly shape, so zero orders breaches it only at hours that normally have
orders, and a shop with no steady orders keeps a lower edge at zero and is never paged. The
model needs about two weeks of history before it is trusted.
"""

import argparse
import json
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bookstore import metrics
from bookstore.settings.stage import stage_names

LAMBDA = "AWS/Lambda"
SQS = "AWS/SQS"
DYNAMODB = "AWS/DynamoDB"
API_GATEWAY = "AWS/ApiGateway"

ABOVE = "GreaterThanThreshold"
AT_LEAST = "GreaterThanOrEqualToThreshold"
BELOW_BAND = "LessThanLowerThreshold"


@dataclass(frozen=True)
class MetricRef:
    """One CloudWatch metric, exactly: namespace, name and the whole dimension set, with a statistic."""

    namespace: str
    name: str
    dimensions: tuple[tuple[str, str], ...]
    statistic: str


@dataclass(frozen=True)
class InsightsQuery:
    """`SELECT {function}({name}) FROM SCHEMA("{namespace}", {schema}) WHERE k = 'v' [OR|AND ...]`."""

    function: str
    namespace: str
    name: str
    schema: tuple[str, ...]
    where: tuple[tuple[str, str], ...]
    joiner: str = "AND"

    def sql(self) -> str:
        schema = ", ".join([f'"{self.namespace}"', *self.schema])
        conditions = f" {self.joiner} ".join(f"{key} = '{value}'" for key, value in self.where)
        return f"SELECT {self.function}({self.name}) FROM SCHEMA({schema})" + (
            f" WHERE {conditions}" if conditions else ""
        )


@dataclass(frozen=True)
class Ratio:
    """`100 * numerator / denominator` over each period, as metric math; 0 in a period without requests."""

    numerator: MetricRef
    denominator: MetricRef


@dataclass(frozen=True)
class AlarmSpec:
    """What one alarm watches, when it fires, and why it exists."""

    name: str
    reason: str
    watches: MetricRef | InsightsQuery | Ratio
    period: int
    comparison: str
    threshold: float = 0
    evaluation_periods: int = 1
    datapoints_to_alarm: int = 1
    treat_missing_data: str = "notBreaching"
    anomaly_band: float | None = None  # standard deviations of the band (an anomaly alarm)
    tags: dict[str, str] = field(default_factory=dict)


def ours(metric: metrics.Metric, *, stage: str, statistic: str = "Sum", **dimensions: str) -> MetricRef:
    """One of our metrics (bookstore/metrics.py) with the stage's dimension and the values given for its own."""
    values = {metrics.STAGE_DIMENSION: stage, **dimensions}
    return MetricRef(
        metrics.NAMESPACE, metric.name, tuple((name, values[name]) for name in metric.dimension_names), statistic
    )


def _queue_metric(name: str, queue: str) -> MetricRef:
    """An SQS metric of one of the stage's queues, at its maximum over the period."""
    return MetricRef(SQS, name, (("QueueName", queue),), "Maximum")


def stage_alarms(stage: str, *, table_names: Sequence[str], api_id: str) -> list[AlarmSpec]:
    """The alarms of `stage`, whose DynamoDB tables are `table_names` (physical names) and HTTP API `api_id`."""
    api = (("ApiId", api_id), ("Stage", stage))
    names = stage_names(stage, env=lambda variable, derived: derived)
    function = (("FunctionName", names["STREAMS_FUNCTION_NAME"]),)
    tables = tuple(("TableName", table) for table in table_names)
    return [
        AlarmSpec(
            "function-errors",
            "The function failed an invocation (a crash, a timeout, a stream batch that raised): always a bug.",
            MetricRef(LAMBDA, "Errors", function, "Sum"),
            period=300,
            comparison=ABOVE,
        ),
        AlarmSpec(
            "function-throttles",
            "Lambda refused invocations: the account's or the function's concurrency is exhausted.",
            MetricRef(LAMBDA, "Throttles", function, "Sum"),
            period=300,
            comparison=ABOVE,
        ),
        AlarmSpec(
            "streams-iterator-age",
            "The stream mappings (books, purchases) run more than 5 minutes behind the writes for 3 minutes:"
            " search, best-sellers and the lake go stale.",
            MetricRef(LAMBDA, "IteratorAge", function, "Maximum"),
            period=60,
            comparison=ABOVE,
            threshold=300_000,
            evaluation_periods=3,
            datapoints_to_alarm=3,
        ),
        AlarmSpec(
            "streams-failure-queue",
            "A stream batch exhausted its retries and was sent to the failure queue: an effect is missing"
            " until someone replays it.",
            _queue_metric("ApproximateNumberOfMessagesVisible", names["STREAMS_FAILURE_QUEUE"]),
            period=300,
            comparison=ABOVE,
        ),
        AlarmSpec(
            "outbound-failure-queue",
            "An outbound message (a webhook delivery, an email) failed OUTBOUND_MAX_RECEIVES times and was set"
            " aside: its work is not done until someone looks.",
            _queue_metric("ApproximateNumberOfMessagesVisible", names["OUTBOUND_FAILURE_QUEUE"]),
            period=300,
            comparison=ABOVE,
        ),
        AlarmSpec(
            "outbound-queue-age",
            "The oldest outbound message has waited more than 30 minutes for 3 periods: webhooks and emails are"
            " not going out (a message due later is hidden 15 minutes at most, then put back).",
            _queue_metric("ApproximateAgeOfOldestMessage", names["OUTBOUND_QUEUE"]),
            period=300,
            comparison=ABOVE,
            threshold=1800,
            evaluation_periods=3,
            datapoints_to_alarm=3,
        ),
        AlarmSpec(
            "dynamodb-throttled-requests",
            "DynamoDB throttled requests on a table of the stage (a hot partition, or on-demand's"
            " ceiling): they fail once botocore's retries run out.",
            InsightsQuery("SUM", DYNAMODB, "ThrottledRequests", ("Operation", "TableName"), tables, joiner="OR"),
            period=300,
            comparison=ABOVE,
        ),
        AlarmSpec(
            "dynamodb-system-errors",
            "DynamoDB answered 500s on a table of the stage: AWS's side, but requests fail with 503.",
            InsightsQuery("SUM", DYNAMODB, "SystemErrors", ("Operation", "TableName"), tables, joiner="OR"),
            period=300,
            comparison=ABOVE,
        ),
        AlarmSpec(
            "api-5xx-rate",
            "More than 1% of the API's requests got a 5xx in 2 of 3 five-minute periods (API Gateway's view,"
            " its own errors included).",
            Ratio(MetricRef(API_GATEWAY, "5xx", api, "Sum"), MetricRef(API_GATEWAY, "Count", api, "Sum")),
            period=300,
            comparison=ABOVE,
            threshold=1,
            evaluation_periods=3,
            datapoints_to_alarm=2,
        ),
        AlarmSpec(
            "requests-5xx",
            "More than 5 requests answered 5xx in five minutes, counted by the app itself (whatever the front door).",
            InsightsQuery(
                "SUM",
                metrics.NAMESPACE,
                metrics.REQUESTS.name,
                metrics.REQUESTS.dimension_names,
                ((metrics.STAGE_DIMENSION, stage), ("StatusClass", "5xx")),
            ),
            period=300,
            comparison=ABOVE,
            threshold=5,
        ),
        AlarmSpec(
            "search-unavailable",
            "At least 5 searches in five minutes got 503: the search cluster is down or overloaded.",
            ours(metrics.SEARCH_UNAVAILABLE, stage=stage),
            period=300,
            comparison=AT_LEAST,
            threshold=5,
        ),
        AlarmSpec(
            "orders-stopped",
            "No orders for an hour at a time of day that normally has them (below the anomaly band's lower"
            " edge for 4 quarter-hours).",
            ours(metrics.ORDERS_PLACED, stage=stage),
            period=900,
            comparison=BELOW_BAND,
            evaluation_periods=4,
            datapoints_to_alarm=4,
            anomaly_band=2,
        ),
    ]


def alarm_name(spec: AlarmSpec, *, stage: str) -> str:
    return f"bookstore-{stage}-{spec.name}"


def _metric_stat(ref: MetricRef, period: int) -> dict[str, Any]:
    return {
        "Metric": {
            "Namespace": ref.namespace,
            "MetricName": ref.name,
            "Dimensions": [{"Name": name, "Value": value} for name, value in ref.dimensions],
        },
        "Period": period,
        "Stat": ref.statistic,
    }


def alarm_parameters(spec: AlarmSpec, *, stage: str, actions: Iterable[str] = ()) -> dict[str, Any]:
    """The keyword arguments of CloudWatch's PutMetricAlarm for `spec` on `stage`, notifying `actions` (SNS ARNs)."""
    actions = list(actions)
    parameters: dict[str, Any] = {
        "AlarmName": alarm_name(spec, stage=stage),
        "AlarmDescription": spec.reason,
        "ActionsEnabled": bool(actions),
        "AlarmActions": actions,
        "OKActions": actions,
        "ComparisonOperator": spec.comparison,
        "EvaluationPeriods": spec.evaluation_periods,
        "DatapointsToAlarm": spec.datapoints_to_alarm,
        "TreatMissingData": spec.treat_missing_data,
        "Tags": [{"Key": "stage", "Value": stage}, *({"Key": k, "Value": v} for k, v in spec.tags.items())],
    }
    watched = spec.watches
    if spec.anomaly_band is not None:
        if not isinstance(watched, MetricRef):
            raise ValueError(f"{spec.name}: an anomaly band watches one metric.")
        parameters["ThresholdMetricId"] = "band"
        parameters["Metrics"] = [
            {"Id": "m1", "MetricStat": _metric_stat(watched, spec.period), "ReturnData": False},
            # A period without a line is a period without orders: zero, not missing.
            {"Id": "filled", "Expression": "FILL(m1, 0)", "Label": watched.name, "ReturnData": True},
            {"Id": "band", "Expression": f"ANOMALY_DETECTION_BAND(filled, {spec.anomaly_band:g})", "ReturnData": True},
        ]
    elif isinstance(watched, Ratio):
        parameters["Threshold"] = spec.threshold
        parameters["Metrics"] = [
            {"Id": "errors", "MetricStat": _metric_stat(watched.numerator, spec.period), "ReturnData": False},
            {"Id": "requests", "MetricStat": _metric_stat(watched.denominator, spec.period), "ReturnData": False},
            {
                "Id": "rate",
                "Expression": "IF(requests > 0, 100 * errors / requests, 0)",
                "Label": f"{watched.numerator.name} per 100 {watched.denominator.name}",
                "ReturnData": True,
            },
        ]
    elif isinstance(watched, InsightsQuery):
        parameters["Threshold"] = spec.threshold
        parameters["Metrics"] = [{"Id": "q1", "Expression": watched.sql(), "Period": spec.period, "ReturnData": True}]
    else:
        parameters.update(
            {
                "Namespace": watched.namespace,
                "MetricName": watched.name,
                "Dimensions": [{"Name": name, "Value": value} for name, value in watched.dimensions],
                "Statistic": watched.statistic,
                "Period": spec.period,
                "Threshold": spec.threshold,
            }
        )
    return parameters


def registered_table_names(stage: str) -> list[str]:
    """The physical names, on `stage`, of the tables the models declare (whatever stage the settings load)."""
    from django.conf import settings

    from bookstore.dynamodb.registry import registered_models

    prefix = stage_names(stage, env=lambda variable, derived: derived)["DYNAMODB_TABLE_PREFIX"]
    return [
        prefix + model.Meta.table_name.removeprefix(settings.DYNAMODB_TABLE_PREFIX) for model in registered_models()
    ]


def stage_api_id(*, stage: str, cloudformation) -> str:
    """The id of the stage's HTTP API: the `ApiV2` resource of the stack `zappa deploy` made (`bookstore-{stage}`)."""
    stack = f"bookstore-{stage}"
    try:
        resource = cloudformation.describe_stack_resource(StackName=stack, LogicalResourceId="ApiV2")
    except cloudformation.exceptions.ClientError as error:
        raise SystemExit(f"No HTTP API found in the stack {stack} ({error}): deploy the stage first.") from error
    return resource["StackResourceDetail"]["PhysicalResourceId"]


def alarms_put(
    *,
    stage: str,
    client,
    api_id: str,
    table_names: Sequence[str] | None = None,
    actions: Iterable[str] = (),
) -> list[str]:
    """Put every alarm of `stage` with `client` (CloudWatch, operator credentials); returns their names.

    Idempotent: PutMetricAlarm replaces an alarm of the same name with the declared one.
    """
    names = []
    actions = list(actions)
    tables = registered_table_names(stage) if table_names is None else table_names
    for spec in stage_alarms(stage, table_names=tables, api_id=api_id):
        parameters = alarm_parameters(spec, stage=stage, actions=actions)
        client.put_metric_alarm(**parameters)
        names.append(parameters["AlarmName"])
    return names


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Put (or print) a stage's alarms, with the operator's credentials.")
    parser.add_argument("stage", help="dev, test or prod")
    parser.add_argument("--region", required=True, help="The stage's aws_region, e.g. eu-west-1.")
    parser.add_argument("--notify", action="append", default=[], help="An SNS topic ARN to notify (repeatable).")
    parser.add_argument("--api-id", help="The stage's HTTP API id (default: read from the stage's Zappa stack).")
    parser.add_argument("--print", action="store_true", help="Print the PutMetricAlarm parameters; send nothing.")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookstore.settings.local")  # only the models' declarations
    import django

    django.setup()
    if args.print:
        tables = registered_table_names(args.stage)
        specs = stage_alarms(args.stage, table_names=tables, api_id=args.api_id or "<the HTTP API's id>")
        print(json.dumps([alarm_parameters(s, stage=args.stage, actions=args.notify) for s in specs], indent=2))
        return 0
    from bookstore.aws import client_build

    cloudwatch = client_build("cloudwatch", region_name=args.region)  # the operator's default credential chain
    api_id = args.api_id or stage_api_id(
        stage=args.stage, cloudformation=client_build("cloudformation", region_name=args.region)
    )
    for name in alarms_put(stage=args.stage, client=cloudwatch, api_id=api_id, actions=args.notify):
        print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
