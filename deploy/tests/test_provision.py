"""`python -m deploy.provision` (deploy/provision.py) on the emulator: it repairs, and a second run changes nothing."""

import pytest

from bookstore.aws import client
from bookstore.dynamodb.registry import registered_models
from deploy.provision import stage_environment, stage_provision
from testing.aws_calls import recorded_aws_calls

READ_ONLY = ("Describe", "Get", "List", "Head")


def mutating(calls: list[dict]) -> list[str]:
    return [f"{c['service']}:{c['operation']}" for c in calls if not c["operation"].startswith(READ_ONLY)]


@pytest.fixture
def provisioned_stage(stage_function, settings):
    """The test stage provisioned once; deletion protection is lifted afterwards (other tests own the tables)."""
    stage_provision()
    yield
    dynamodb = client("dynamodb")
    for model in registered_models():
        dynamodb.update_table(TableName=model.Meta.table_name, DeletionProtectionEnabled=False)


def test_a_second_run_sends_no_mutating_call(provisioned_stage, settings):
    with recorded_aws_calls() as calls:
        report = stage_provision()
    assert mutating(calls) == []
    assert (report.changes, report.pending, report.conflicts) == ([], [], [])
    operations = {c["operation"] for c in calls}
    assert {"DescribeTimeToLive", "DescribeContinuousBackups", "GetBucketEncryption"} <= operations  # it did read
    assert {"ListEventSourceMappings", "GetWorkGroup", "GetQueueAttributes"} <= operations


def test_every_table_is_protected_and_backed_up_and_the_lake_is_private(provisioned_stage, settings):
    dynamodb = client("dynamodb")
    for model in registered_models():
        name = model.Meta.table_name
        assert dynamodb.describe_table(TableName=name)["Table"]["DeletionProtectionEnabled"] is True
        pitr = dynamodb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
        assert pitr["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
    s3 = client("s3")
    assert all(s3.get_public_access_block(Bucket=settings.ANALYTICS_BUCKET)["PublicAccessBlockConfiguration"].values())
    mappings = client("lambda").list_event_source_mappings(FunctionName=settings.STREAMS_FUNCTION_NAME)
    assert len(mappings["EventSourceMappings"]) == 2  # books and purchases


def test_ttl_removed_from_a_table_is_restored_by_the_next_run(provisioned_stage, settings):
    table = f"{settings.DYNAMODB_TABLE_PREFIX}revoked_tokens"
    dynamodb = client("dynamodb")
    disabled = {"Enabled": False, "AttributeName": "expires_at"}
    dynamodb.update_time_to_live(TableName=table, TimeToLiveSpecification=disabled)
    assert dynamodb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]["TimeToLiveStatus"] == "DISABLED"

    with recorded_aws_calls() as calls:
        report = stage_provision()

    assert report.changes == [f"{table}: TTL enabled on expires_at"]
    assert mutating(calls) == ["dynamodb:UpdateTimeToLive"]
    assert dynamodb.describe_time_to_live(TableName=table)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED",
        "AttributeName": "expires_at",
    }


def test_the_stage_environment_is_the_functions():
    env = stage_environment("prod")
    assert env["DJANGO_SETTINGS_MODULE"] == "bookstore.settings.production"
    assert env["BOOKSTORE_STAGE"] == "prod"
    assert env["DYNAMODB_TABLE_PREFIX"] == "bookstore-prod-"
    assert env["AWS_REGION"] == "eu-west-1"
