"""`wire_streams` (streams/wiring.py) against the emulator's Lambda, SQS and DynamoDB Streams."""

from io import StringIO

import pytest
from django.core.management import call_command

from bookstore.aws import client


@pytest.fixture
def sent_mapping_calls():
    """The parameters of every Create/UpdateEventSourceMapping call, captured by a botocore hook (observing only)."""
    calls: list[tuple[str, dict]] = []

    def record(params, model, **kwargs):
        calls.append((model.name, dict(params)))

    events = client("lambda").meta.events
    events.register("provide-client-params.lambda.CreateEventSourceMapping", record)
    events.register("provide-client-params.lambda.UpdateEventSourceMapping", record)
    yield calls
    events.unregister("provide-client-params.lambda.CreateEventSourceMapping", record)
    events.unregister("provide-client-params.lambda.UpdateEventSourceMapping", record)


def test_running_twice_leaves_one_complete_mapping_per_table(stage_function, sent_mapping_calls, settings):
    for _ in range(2):
        call_command("wire_streams", "--function", stage_function, stdout=StringIO())

    mappings = client("lambda").list_event_source_mappings(FunctionName=stage_function)["EventSourceMappings"]
    tables = sorted(m["EventSourceArn"].split("/")[1] for m in mappings)
    assert tables == [f"{settings.DYNAMODB_TABLE_PREFIX}{name}" for name in ("books", "purchases", "reviews")]
    queue_url = client("sqs").get_queue_url(QueueName=settings.STREAMS_FAILURE_QUEUE)["QueueUrl"]
    queue_arn = client("sqs").get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    for mapping in mappings:
        assert mapping["StartingPosition"] == "TRIM_HORIZON"
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert mapping["BatchSize"] == settings.STREAMS_BATCH_SIZE
        assert mapping["MaximumBatchingWindowInSeconds"] == settings.STREAMS_BATCHING_WINDOW_SECONDS
        assert mapping["MaximumRetryAttempts"] == settings.STREAMS_MAX_ATTEMPTS
        assert mapping["BisectBatchOnFunctionError"] is True
        assert mapping["DestinationConfig"] == {"OnFailure": {"Destination": queue_arn}}
        assert mapping["State"] == "Enabled"


def test_the_calls_sent_carry_what_aws_requires(stage_function, sent_mapping_calls):
    """The emulator would accept a mapping without StartingPosition; only the sent parameters prove the call valid.

    A mapping that already has every setting is left alone; one that drifted is updated.
    """
    call_command("wire_streams", "--function", stage_function, stdout=StringIO())
    creates = [params for name, params in sent_mapping_calls if name == "CreateEventSourceMapping"]
    call_command("wire_streams", "--function", stage_function, stdout=StringIO())
    assert len(sent_mapping_calls) == 3  # the second run changed nothing
    lambda_client = client("lambda")
    drifted = lambda_client.list_event_source_mappings(FunctionName=stage_function)["EventSourceMappings"][0]
    lambda_client.update_event_source_mapping(UUID=drifted["UUID"], BatchSize=1)
    sent_mapping_calls.clear()

    out = StringIO()
    call_command("wire_streams", "--function", stage_function, stdout=out)

    updates = [params for name, params in sent_mapping_calls if name == "UpdateEventSourceMapping"]
    assert len(creates) == 3  # books, purchases, reviews
    assert [params["UUID"] for params in updates] == [drifted["UUID"]]
    assert sorted(line.split()[3] for line in out.getvalue().splitlines()) == ["unchanged", "unchanged", "updated"]
    for params in creates:
        assert params["StartingPosition"] == "TRIM_HORIZON"
        assert params["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    for params in updates:
        assert params["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert "DestinationConfig" in params
        assert "MaximumRetryAttempts" in params


def test_a_deleted_mapping_leaves_the_stream_to_the_poller(stage_function, consume_streams, book_factory, lake_rows):
    """After the mappings are deleted, table writes still reach the stream (the emulator fix in local_stack)."""
    call_command("wire_streams", "--function", stage_function, "--tables", "books", stdout=StringIO())
    lambda_client = client("lambda")
    for mapping in lambda_client.list_event_source_mappings(FunctionName=stage_function)["EventSourceMappings"]:
        lambda_client.delete_event_source_mapping(UUID=mapping["UUID"])

    book_factory()

    assert "Processed 2 records." in consume_streams("--tables", "books")  # the book and its stock item
