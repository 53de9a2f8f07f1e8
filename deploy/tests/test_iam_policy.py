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
                       "ConditionCheckItem", "DescribeTable", "CreateTable", "UpdateTimeToLive"):  # fmt: skip
            pairs.append((f"dynamodb:{action}", f"{arn}-{table}"))
        pairs.append(("dynamodb:Query", f"{arn}-{table}/index/any-index"))
    for table in STREAMED:
        for action in ("DescribeStream", "GetShardIterator", "GetRecords"):
            pairs.append((f"dynamodb:{action}", f"{arn}-{table}/stream/2026-01-01T00:00:00.000"))
    queue = f"arn:aws:sqs:{REGION}:{ACCOUNT}:bookstore-{stage}-stream-failures"
    pairs += [(f"sqs:{a}", queue) for a in ("CreateQueue", "GetQueueAttributes", "SendMessage", "ReceiveMessage")]
    pairs += [("lambda:CreateEventSourceMapping", "*"), ("lambda:ListEventSourceMappings", "*")]
    pairs += [
        ("ssm:GetParameters", f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/bookstore/{stage}/{name}")
        for name in ("DJANGO_SECRET_KEY", "JWT_SIGNING_KEY")
    ]
    bucket = f"arn:aws:s3:::bookstore-analytics-{stage}"
    pairs += [("s3:ListBucket", bucket), ("s3:PutEncryptionConfiguration", bucket)]
    pairs += [("s3:PutBucketPublicAccessBlock", bucket)]
    pairs += [(f"s3:{a}", f"{bucket}/tenant1/purchases/year=2026/x.parquet") for a in ("GetObject", "PutObject")]
    pairs += [
        ("glue:GetTable", f"arn:aws:glue:{REGION}:{ACCOUNT}:table/bookstore_{stage}/purchases"),
        ("glue:CreateDatabase", f"arn:aws:glue:{REGION}:{ACCOUNT}:database/bookstore_{stage}"),
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
    assert granted == [("lambda:CreateEventSourceMapping", "*"), ("lambda:ListEventSourceMappings", "*")]


def test_the_only_wildcard_resources_are_lambdas_own_rules():
    """CreateEventSourceMapping is scoped by a condition on the function; ListEventSourceMappings has no resource."""
    policy = iam_policy(stage="dev", account_id=ACCOUNT, region=REGION)
    wildcard = [s for s in policy["Statement"] if s["Resource"] == "*"]
    assert [s["Sid"] for s in wildcard] == ["WireStreamsMappingsOfThisFunction", "WireStreamsListMappings"]
    assert wildcard[0]["Condition"] == {
        "StringEquals": {"lambda:FunctionArn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:bookstore-dev"}
    }
    assert wildcard[1]["Action"] == ["lambda:ListEventSourceMappings"]


def test_a_bad_account_or_stage_is_refused():
    with pytest.raises(ValueError, match="12-digit"):
        iam_policy(stage="dev", account_id="12345", region=REGION)
    with pytest.raises(ValueError, match="lowercase"):
        iam_policy(stage="Dev*", account_id=ACCOUNT, region=REGION)
