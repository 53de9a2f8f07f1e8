"""The stage's outbound queue and its event source mapping to the stage's function, created or repaired idempotently.

The queue hides a received message for OUTBOUND_VISIBILITY_TIMEOUT_SECONDS: AWS asks for at
least six times the function's timeout on a queue Lambda reads, so a message whose handler
is still running (or was throttled) is not delivered twice. After OUTBOUND_MAX_RECEIVES
receipts a message moves to the failure queue (its redrive policy), which keeps it 14 days.
The mapping reports partial batch failures, so one failing message is the only one retried.
"""

import json
from dataclasses import dataclass

from django.conf import settings

from bookstore import aws

RETENTION_SECONDS = 14 * 24 * 3600  # SQS's maximum: a webhook retried for a day fits with room
REPORT_BATCH_ITEM_FAILURES = "ReportBatchItemFailures"


@dataclass(frozen=True)
class QueueWiring:
    queue_arn: str
    changes: list[str]


def _queue(name: str, attributes: dict[str, str], changes: list[str]) -> tuple[str, str]:
    """Create the queue if missing, set the attributes that differ; return its URL and ARN."""
    sqs = aws.client("sqs")
    try:
        url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    except sqs.exceptions.QueueDoesNotExist:
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        changes.append(f"{name}: queue created")
    current = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    differing = {key: value for key, value in attributes.items() if _attribute(current.get(key)) != _attribute(value)}
    if differing:
        sqs.set_queue_attributes(QueueUrl=url, Attributes=differing)
        changes.append(f"{name}: {', '.join(sorted(differing))} set")
    return url, current["QueueArn"]


def _attribute(value: str | None) -> object:
    """An attribute as compared: a JSON policy by its content, anything else as text."""
    if value and value.startswith("{"):
        return json.loads(value)
    return value


def outbound_queues_ensure() -> QueueWiring:
    """The outbound queue and its failure queue, with their attributes; returns the outbound queue's ARN."""
    changes: list[str] = []
    retention = {"MessageRetentionPeriod": str(RETENTION_SECONDS)}
    _url, failure_arn = _queue(settings.OUTBOUND_FAILURE_QUEUE, retention, changes)
    redrive = json.dumps({"deadLetterTargetArn": failure_arn, "maxReceiveCount": settings.OUTBOUND_MAX_RECEIVES})
    attributes = {
        **retention,
        "VisibilityTimeout": str(settings.OUTBOUND_VISIBILITY_TIMEOUT_SECONDS),
        "RedrivePolicy": redrive,
    }
    _url, queue_arn = _queue(settings.OUTBOUND_QUEUE, attributes, changes)
    return QueueWiring(queue_arn=queue_arn, changes=changes)


def mapping_settings() -> dict:
    return {
        "BatchSize": settings.OUTBOUND_BATCH_SIZE,
        "FunctionResponseTypes": [REPORT_BATCH_ITEM_FAILURES],
        "Enabled": True,
    }


def outbound_wire(*, function_name: str | None = None) -> list[str]:
    """The queues, and one event source mapping from the outbound queue to the function; returns what changed."""
    function_name = function_name or settings.STREAMS_FUNCTION_NAME
    queues = outbound_queues_ensure()
    lambda_client = aws.client("lambda")
    wanted = mapping_settings()
    found = lambda_client.list_event_source_mappings(EventSourceArn=queues.queue_arn, FunctionName=function_name)
    mappings = found["EventSourceMappings"]
    changes = list(queues.changes)
    if not mappings:
        uuid = lambda_client.create_event_source_mapping(
            EventSourceArn=queues.queue_arn, FunctionName=function_name, **wanted
        )["UUID"]
        changes.append(f"{settings.OUTBOUND_QUEUE}: mapping {uuid} created")
        return changes
    mapping = mappings[0]
    state_ok = mapping.get("State") in ("Enabled", "Enabling", "Creating", "Updating")
    if not state_ok or any(mapping.get(key) != value for key, value in wanted.items() if key != "Enabled"):
        lambda_client.update_event_source_mapping(UUID=mapping["UUID"], FunctionName=function_name, **wanted)
        changes.append(f"{settings.OUTBOUND_QUEUE}: mapping {mapping['UUID']} updated")
    return changes
