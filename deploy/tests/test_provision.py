"""`python -m deploy.provision` (deploy/provision.py) on the emulator: it repairs, and a second run changes nothing."""

import contextlib

import pytest

from bookstore.aws import client
from bookstore.dynamodb.registry import registered_models
from deploy.provision import stage_environment, stage_provision
from outbound.wiring import outbound_queues_ensure
from testing.aws_calls import recorded_aws_calls

READ_ONLY = ("Describe", "Get", "List", "Head")


def mutating(calls: list[dict]) -> list[str]:
    return [f"{c['service']}:{c['operation']}" for c in calls if not c["operation"].startswith(READ_ONLY)]


def _unprotect_and_remove_bucket(settings) -> None:
    """Undo what other tests would trip on: tables' deletion protection, the bucket, the queue's mapping.

    moto 5.2.5 keeps a deleted mapping on its SQS queue and invokes the mapping's (deleted) function
    on every later SendMessage, which then fails: the queues are made again, without it.
    """
    dynamodb = client("dynamodb")
    for model in registered_models():
        dynamodb.update_table(TableName=model.Meta.table_name, DeletionProtectionEnabled=False)
    s3 = client("s3")
    with contextlib.suppress(s3.exceptions.NoSuchBucket):  # a run that failed before making it
        s3.delete_bucket(Bucket=settings.ANALYTICS_BUCKET)  # provisioning leaves it empty
    sqs = client("sqs")
    for name in (settings.OUTBOUND_QUEUE, settings.OUTBOUND_FAILURE_QUEUE):
        sqs.delete_queue(QueueUrl=sqs.get_queue_url(QueueName=name)["QueueUrl"])
    outbound_queues_ensure()


@pytest.fixture
def provisioned_stage(stage_function, settings):
    """The calls of provisioning the test stage once; deletion protection is lifted afterwards (other tests' tables)."""
    with recorded_aws_calls() as calls:
        stage_provision()
    yield calls
    _unprotect_and_remove_bucket(settings)


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
    sources = sorted(m["EventSourceArn"].split(":")[2] for m in mappings["EventSourceMappings"])
    assert sources == ["dynamodb", "dynamodb", "dynamodb", "sqs"]  # books, purchases, reviews; the outbound queue


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


def test_the_operators_policy_allows_every_provisioning_call_and_the_roles_allows_no_change(
    provisioned_stage, settings
):
    from deploy.iam import OPERATOR_POLICY_TEMPLATE, iam_policy
    from deploy.policy_check import evaluate

    table = f"{settings.DYNAMODB_TABLE_PREFIX}revoked_tokens"
    client("dynamodb").update_time_to_live(
        TableName=table, TimeToLiveSpecification={"Enabled": False, "AttributeName": "expires_at"}
    )
    with recorded_aws_calls() as repair:
        stage_provision()
    calls = provisioned_stage + repair
    assert mutating(calls)  # the first run protected the tables and wired the mappings, the second repaired TTL

    region, account = settings.AWS_REGION, "123456789012"
    operator = iam_policy(stage="test", account_id=account, region=region, template=OPERATOR_POLICY_TEMPLATE)
    report = evaluate(calls, operator, region=region, account_id=account, not_made={})
    assert (report.unmapped, report.wrong_resource_type, report.unknown_actions) == ([], [], [])
    assert report.denied == []

    role = iam_policy(stage="test", account_id=account, region=region)
    as_the_function = evaluate(calls, role, region=region, account_id=account)
    changes = {r.action for r in as_the_function.requests if r.operation in {c["operation"] for c in calls}}
    denied = {r.action for r in as_the_function.denied}
    assert {a for a in changes if not a.split(":")[1].startswith(READ_ONLY)} <= denied


def test_the_command_runs_with_the_stages_production_settings(stage_secrets, production_env, settings):
    """`python -m deploy.provision test` in a fresh interpreter: zappa_settings.json's stage, the shell's overrides."""
    import subprocess
    import sys

    from deploy.tests.conftest import ROOT

    stage_secrets("test")
    env = production_env(
        "test", AWS_ENDPOINT_URL=settings.AWS_ENDPOINT_URL, ELASTICSEARCH_URL=settings.ELASTICSEARCH_URL
    )
    try:
        result = subprocess.run(
            [sys.executable, "-m", "deploy.provision", "test"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    finally:
        _unprotect_and_remove_bucket(settings)
    assert result.returncode == 0, result.stderr
    assert "pending   stream mappings: no function bookstore-test yet" in result.stdout
    assert result.stdout.strip().splitlines()[-1].endswith("pending, 0 conflicts.")
