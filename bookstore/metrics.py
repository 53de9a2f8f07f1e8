"""The stage's own metrics, written as CloudWatch embedded-metric-format (EMF) log lines: the registry and the writer.

Every metric the code emits is declared once here (`METRICS`), with its unit and its
dimension names; the alarms (deploy/alarms.py) and the monitoring page name them from
this registry, so a renamed metric cannot leave an alarm watching nothing.

`emit(metric, value, ...)` writes one JSON object on one line to the `bookstore.emf`
logger. On Lambda that line lands in the function's log group, where CloudWatch extracts the
metric from it: no API call on the request path, no batching to flush, nothing lost when a
container is frozen. Locally the same lines go to the console, or to METRICS_LOG_FILE
(bookstore/settings/logs.py).

The document follows the EMF specification: `_aws.Timestamp` (epoch milliseconds) and
`_aws.CloudWatchMetrics[{Namespace, Dimensions: [[names]], Metrics: [{Name, Unit}]}]`, with
each dimension's value and the metric's value as members of the root object. Every metric
carries the `Stage` dimension and the few low-cardinality dimensions it declares; the tenant,
the request id and any other detail are plain members of the line (searchable with Logs
Insights, never a dimension: one metric per tenant would multiply the metric bill by the
number of tenants).

aws-lambda-powertools' Metrics writes the same format; this writer stands in for it because
the request path needs one line per event and nothing else (measured: the library adds 40
modules and 5 to 7 ms to a cold start after Django is loaded, docs/operations/monitoring.md).
"""

import json
import logging
import time
from dataclasses import dataclass
from typing import Any

NAMESPACE = "Bookstore"
STAGE_DIMENSION = "Stage"
metrics_logger = logging.getLogger("bookstore.emf")

COUNT = "Count"
MILLISECONDS = "Milliseconds"


@dataclass(frozen=True)
class Metric:
    """A metric of ours: its name, unit, the dimensions it carries besides `Stage`, and what it counts."""

    name: str
    unit: str
    dimensions: tuple[str, ...]
    description: str

    @property
    def dimension_names(self) -> tuple[str, ...]:
        """Every dimension of the metric, `Stage` first: the set CloudWatch files its values under."""
        return (STAGE_DIMENSION, *self.dimensions)


REQUESTS = Metric(
    "Requests",
    COUNT,
    ("Route", "StatusClass"),
    "API requests by route (the URL pattern, not the path) and status class (2xx, 4xx, 5xx)",
)
ORDERS_PLACED = Metric("OrdersPlaced", COUNT, (), "orders placed by a checkout (a replayed checkout is not counted)")
CHECKOUTS_REFUSED = Metric("CheckoutsRefused", COUNT, ("Reason",), "checkouts refused, by error code")
PENDING_ORDERS_EXPIRED = Metric("PendingOrdersExpired", COUNT, (), "unpaid orders cancelled by the expiry job")
STREAM_RECORDS_HANDLED = Metric(
    "StreamRecordsHandled", COUNT, ("Table",), "stream records processed and not sent back for a retry"
)
STREAM_RECORDS_RETRIED = Metric(
    "StreamRecordsRetried",
    COUNT,
    ("Table",),
    "stream records sent back for a retry (the first failure of a stream and every record after it)",
)
STREAM_RECORDS_PARKED = Metric(
    "StreamRecordsParked", COUNT, ("Table",), "stream records set aside after their last attempt (the local poller)"
)
STREAM_LAG = Metric(
    "StreamLag",
    MILLISECONDS,
    ("Table",),
    "per batch, the oldest record's age: now minus its ApproximateCreationDateTime",
)
SEARCH_UNAVAILABLE = Metric("SearchUnavailable", COUNT, (), "searches answered 503: the engine could not answer")
REQUESTS_THROTTLED = Metric("RequestsThrottled", COUNT, ("Plan",), "requests refused 429 by the tenant's plan limit")
OUTBOUND_MESSAGES_HANDLED = Metric(
    "OutboundMessagesHandled", COUNT, ("Kind",), "outbound messages (webhook deliveries, emails) handled, by kind"
)
OUTBOUND_MESSAGES_FAILED = Metric(
    "OutboundMessagesFailed", COUNT, ("Kind",), "outbound messages whose handler raised (the queue delivers them again)"
)

METRICS: tuple[Metric, ...] = (
    REQUESTS,
    ORDERS_PLACED,
    CHECKOUTS_REFUSED,
    PENDING_ORDERS_EXPIRED,
    STREAM_RECORDS_HANDLED,
    STREAM_RECORDS_RETRIED,
    STREAM_RECORDS_PARKED,
    STREAM_LAG,
    SEARCH_UNAVAILABLE,
    REQUESTS_THROTTLED,
    OUTBOUND_MESSAGES_HANDLED,
    OUTBOUND_MESSAGES_FAILED,
)


def stage() -> str:
    """The value of every metric's `Stage` dimension."""
    from django.conf import settings

    return settings.STAGE


def emf_document(
    metric: Metric, value: float, *, dimensions: dict[str, str], properties: dict[str, Any], timestamp_ms: int
) -> dict[str, Any]:
    """The EMF object of one value of `metric`; `dimensions` must name exactly the metric's own dimensions."""
    if set(dimensions) != set(metric.dimensions):
        raise ValueError(f"{metric.name} takes the dimensions {metric.dimensions}, not {tuple(dimensions)}.")
    return {
        **properties,
        "_aws": {
            "Timestamp": timestamp_ms,
            "CloudWatchMetrics": [
                {
                    "Namespace": NAMESPACE,
                    "Dimensions": [list(metric.dimension_names)],
                    "Metrics": [{"Name": metric.name, "Unit": metric.unit}],
                }
            ],
        },
        STAGE_DIMENSION: stage(),
        **{name: str(dimensions[name]) for name in metric.dimensions},
        metric.name: value,
    }


def emit(metric: Metric, value: float = 1, *, dimensions: dict[str, str] | None = None, **properties: Any) -> None:
    """Write one value of `metric` as an EMF line; `properties` (tenant, request id, ...) ride along, undimensioned.

    Never raises: a metric that cannot be written is logged as a warning and the work goes on.
    """
    if value == 0:
        return  # a zero count adds nothing to a Sum, and an idle stage writes no lines
    try:
        document = emf_document(
            metric,
            value,
            dimensions=dimensions or {},
            properties={k: v for k, v in properties.items() if v is not None},
            timestamp_ms=int(time.time() * 1000),
        )
        metrics_logger.info(json.dumps(document, default=str, separators=(",", ":")))
    except Exception:
        logging.getLogger(__name__).warning("Metric %s not written", metric.name, exc_info=True)
