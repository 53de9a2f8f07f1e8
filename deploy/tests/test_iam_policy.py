"""The Lambda role policy (deploy/iam.py): what the code calls is allowed, on this stage's resources only."""

from fnmatch import fnmatchcase

import pytest

from deploy.iam import iam_policy

ACCOUNT, REGION = "123456789012", "eu-west-1"
STREAMED = ("books", "purchases", "reviews")


def allowed(policy: dict, action: str, resource: str) -> bool:
    """Whether an Allow statement covers (action, resource); conditions are read as satisfied."""
    for statement in policy["Statement"]:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        if any(fnmatchcase(action, a) for a in actions) and any(fnmatchcase(resource, r) for r in resources):
            return True
    return False


def logical_tables(settings) -> list[str]:
    from bookstore.dynamodb.registry import registered_models

    return [m.Meta.table_name.removeprefix(settings.DYNAMODB_TABLE_PREFIX) for m in registered_models()]


def required(stage: str, tables: list[str]) -> list[tuple[str, str]]:
    """(action, resource) pairs the app, its commands and its stream mappings use on a stage."""
    arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/bookstore-{stage}"
    pairs = []
    for table in tables:
        for action in ("GetItem", "BatchGetItem", "Query", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem",
                       "ConditionCheckItem", "DescribeTable"):  # fmt: skip
            pairs.append((f"dynamodb:{action}", f"{arn}-{table}"))
        pairs.append(("dynamodb:Query", f"{arn}-{table}/index/any-index"))
    for table in STREAMED:
        for action in ("DescribeStream", "GetShardIterator", "GetRecords"):
            pairs.append((f"dynamodb:{action}", f"{arn}-{table}/stream/2026-01-01T00:00:00.000"))
    queue = f"arn:aws:sqs:{REGION}:{ACCOUNT}:bookstore-{stage}-stream-failures"
    pairs += [(f"sqs:{a}", queue) for a in ("GetQueueUrl", "SendMessage", "ReceiveMessage", "DeleteMessage")]
    pairs += [
        ("ssm:GetParameters", f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/bookstore/{stage}/{name}")
        for name in ("DJANGO_SECRET_KEY", "JWT_SIGNING_KEY")
    ]
    bucket = f"arn:aws:s3:::bookstore-analytics-{stage}"
    pairs += [("s3:ListBucket", bucket)]
    lake_file = f"{bucket}/tenant1/purchases/year=2026/x.parquet"
    pairs += [(f"s3:{a}", lake_file) for a in ("GetObject", "PutObject", "DeleteObject")]
    pairs += [
        ("glue:GetTable", f"arn:aws:glue:{REGION}:{ACCOUNT}:table/bookstore_{stage}/purchases"),
        ("glue:GetDatabase", f"arn:aws:glue:{REGION}:{ACCOUNT}:database/bookstore_{stage}"),
        ("athena:StartQueryExecution", f"arn:aws:athena:{REGION}:{ACCOUNT}:workgroup/bookstore-{stage}"),
        ("logs:PutLogEvents", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/bookstore-{stage}:log-stream:x"),
    ]
    return pairs


@pytest.mark.parametrize("stage", ["dev", "test", "prod"])
def test_what_the_stage_uses_is_allowed(stage, settings):
    policy = iam_policy(stage=stage, account_id=ACCOUNT, region=REGION)
    missing = [pair for pair in required(stage, logical_tables(settings)) if not allowed(policy, *pair)]
    assert missing == []


@pytest.mark.parametrize("stage", ["dev", "test", "prod"])
def test_nothing_of_another_stage_is_allowed(stage, settings):
    policy = iam_policy(stage=stage, account_id=ACCOUNT, region=REGION)
    other = "prod" if stage != "prod" else "dev"
    granted = [pair for pair in required(other, logical_tables(settings)) if allowed(policy, *pair)]
    assert granted == []


def test_no_resource_is_a_wildcard():
    policy = iam_policy(stage="dev", account_id=ACCOUNT, region=REGION)
    assert [s["Sid"] for s in policy["Statement"] if s["Resource"] == "*"] == []


CONTROL_PLANE = (
    "dynamodb:CreateTable", "dynamodb:UpdateTable", "dynamodb:UpdateTimeToLive", "dynamodb:UpdateContinuousBackups",
    "sqs:CreateQueue", "sqs:SetQueueAttributes", "lambda:CreateEventSourceMapping", "lambda:UpdateEventSourceMapping",
    "s3:CreateBucket", "s3:PutEncryptionConfiguration", "s3:PutBucketPublicAccessBlock", "glue:CreateDatabase",
    "glue:CreateTable", "glue:UpdateTable", "athena:CreateWorkGroup", "athena:UpdateWorkGroup",
)  # fmt: skip


def test_the_role_holds_no_control_plane_action():
    """Those run from the operator's machine (`python -m deploy.provision`), never as the function."""
    policy = iam_policy(stage="dev", account_id=ACCOUNT, region=REGION)
    held = {action for statement in policy["Statement"] for action in statement["Action"]}
    assert held.isdisjoint(CONTROL_PLANE)


def test_a_bad_account_or_stage_is_refused():
    with pytest.raises(ValueError, match="12-digit"):
        iam_policy(stage="dev", account_id="12345", region=REGION)
    with pytest.raises(ValueError, match="lowercase"):
        iam_policy(stage="Dev*", account_id=ACCOUNT, region=REGION)
