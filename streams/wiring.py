"""Wire each streamed table to the stage's Lambda function: the event source mappings Zappa cannot create.

Zappa 0.63 creates a DynamoDB stream mapping with only FunctionName, EventSourceArn,
BatchSize and Enabled. AWS refuses it (StartingPosition is required), Zappa logs and
carries on, and nothing is subscribed; it also cannot set ReportBatchItemFailures, retries
or a failure destination. `wire_streams` creates or updates, idempotently, one mapping
per streamed table with all of them, and the SQS queue that receives what Lambda gives up on.
"""

from dataclasses import dataclass

from django.conf import settings

from bookstore import aws
from streams.registry import streamed_tables
from streams.sources import stream_arn

STARTING_POSITION = "TRIM_HORIZON"
REPORT_BATCH_ITEM_FAILURES = "ReportBatchItemFailures"
QUEUE_RETENTION_SECONDS = 14 * 24 * 3600  # SQS's maximum: time to look at what failed


@dataclass(frozen=True)
class Wiring:
    table: str
    stream_arn: str
    uuid: str
    created: bool
    changed: bool  # created or updated; False when the mapping already had every setting


def failure_queue_arn() -> str:
    """Create the failure queue if it is missing, set its retention if it differs, and return its ARN."""
    sqs = aws.client("sqs")
    retention = str(QUEUE_RETENTION_SECONDS)
    try:
        url = sqs.get_queue_url(QueueName=settings.STREAMS_FAILURE_QUEUE)["QueueUrl"]
    except sqs.exceptions.QueueDoesNotExist:
        url = sqs.create_queue(
            QueueName=settings.STREAMS_FAILURE_QUEUE, Attributes={"MessageRetentionPeriod": retention}
        )["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn", "MessageRetentionPeriod"])
    if attributes["Attributes"].get("MessageRetentionPeriod") != retention:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"MessageRetentionPeriod": retention})
    return attributes["Attributes"]["QueueArn"]


def mapping_settings(queue_arn: str) -> dict:
    """What every mapping must have, on create and on update (StartingPosition is fixed at creation)."""
    return {
        "BatchSize": settings.STREAMS_BATCH_SIZE,
        "MaximumBatchingWindowInSeconds": settings.STREAMS_BATCHING_WINDOW_SECONDS,
        "FunctionResponseTypes": [REPORT_BATCH_ITEM_FAILURES],
        "MaximumRetryAttempts": settings.STREAMS_MAX_ATTEMPTS,
        "BisectBatchOnFunctionError": True,
        "DestinationConfig": {"OnFailure": {"Destination": queue_arn}},
        "Enabled": True,
    }


def _mapping_matches(mapping: dict, wanted: dict) -> bool:
    """Whether a listed mapping already has every wanted setting (Enabled shows as its State)."""
    state_ok = mapping.get("State") in ("Enabled", "Enabling", "Creating", "Updating")
    return state_ok and all(mapping.get(key) == value for key, value in wanted.items() if key != "Enabled")


def streams_wire(*, function_name: str | None = None, tables: list[str] | None = None) -> list[Wiring]:
    """Create or update one event source mapping per streamed table to `function_name`; idempotent.

    A mapping that already has every setting is left alone, so a second run changes nothing.
    """
    function_name = function_name or settings.STREAMS_FUNCTION_NAME
    lambda_client = aws.client("lambda")
    wanted = mapping_settings(failure_queue_arn())
    wired = []
    for table in tables or streamed_tables():
        arn = stream_arn(table)
        if arn is None:
            raise RuntimeError(f"Table {table} has no stream: create it with `create_tables` first.")
        existing = lambda_client.list_event_source_mappings(EventSourceArn=arn, FunctionName=function_name)
        mappings = existing["EventSourceMappings"]
        changed = not mappings or not _mapping_matches(mappings[0], wanted)
        if mappings:
            uuid = mappings[0]["UUID"]
            if changed:
                lambda_client.update_event_source_mapping(UUID=uuid, FunctionName=function_name, **wanted)
        else:
            uuid = lambda_client.create_event_source_mapping(
                EventSourceArn=arn, FunctionName=function_name, StartingPosition=STARTING_POSITION, **wanted
            )["UUID"]
        wired.append(Wiring(table=table, stream_arn=arn, uuid=uuid, created=not mappings, changed=changed))
    return wired
