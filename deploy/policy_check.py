"""The role policy proven by the calls: evaluate recorded AWS calls against a stage's rendered policy.

A call is `{service, operation, params}` (the IAM service prefix, botocore's operation name
and the request's parameters), as the in-process recorder (testing/aws_calls.py) and the
Lambda-shaped run's recorder (deploy/call_record.py) write them. `evaluate(calls, policy)`
turns each call into the IAM requests AWS authorizes for it (action and resource ARN, built
from the request: a TransactWriteItems is one PutItem/UpdateItem/DeleteItem/ConditionCheckItem
per item and table, a HeadObject is s3:GetObject, a Query on an index names the index), and
evaluates each against the policy as IAM does for one identity policy: an explicit Deny wins,
then an Allow whose Action, Resource and Condition all match; otherwise the implicit deny.

policy_sentry (AWS's action, resource and condition tables, shipped offline) checks both sides:
every action the policy names exists, and every ARN built from a call is of a resource type
that action takes, so a wrong ARN cannot pass by matching a wide pattern. The report also
lists what the policy grants that no call made and `NOT_MADE_BY_THE_CODE` does not explain.
"""

import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.utils import parseaddr

_STREAM_READS = (
    "the event source mappings read the streams with the function's role; `parked_records collect` "
    "reads a failed batch back only when the failure queue holds one"
)
# Granted actions no call of the application's code makes in a request's life, each with its reason.
NOT_MADE_BY_THE_CODE: dict[str, str] = {
    "logs:CreateLogGroup": "Lambda's runtime writes the function's logs with its role",
    "logs:CreateLogStream": "Lambda's runtime writes the function's logs with its role",
    "logs:PutLogEvents": "Lambda's runtime writes the function's logs with its role",
    "dynamodb:DescribeStream": _STREAM_READS,
    "dynamodb:GetShardIterator": _STREAM_READS,
    "dynamodb:GetRecords": _STREAM_READS,
    "dynamodb:ListStreams": "the event source mappings find the streams with the function's role",
    "sqs:GetQueueAttributes": "the outbound queue's event source mapping reads the queue with the function's role",
    "sqs:ChangeMessageVisibility": "the outbound queue's event source mapping reads the queue with the function's role",
    "glue:GetDatabase": "Athena reads the Glue catalogue with the caller's permissions during a query",
    "glue:GetTable": "Athena reads the Glue catalogue with the caller's permissions during a query",
    "glue:GetPartitions": "Athena reads the Glue catalogue with the caller's permissions during a query",
    "s3:GetBucketLocation": "Athena checks the lake and results bucket with the caller's permissions",
    "athena:StopQueryExecution": "sent only when a report query runs past its time budget",
    "s3:AbortMultipartUpload": "sent only when a large upload to the lake fails half-way",
    "ssm:GetParameters": "read while the production settings load (INIT), recorded by the Lambda-shaped run",
    "dynamodb:DescribeTable": "PynamoDB describes each table once per process, so a warm process makes none",
    "dynamodb:Scan": "ops commands run with `zappa manage`: export_tables, the sale-state repair, index_admins",
    "dynamodb:BatchWriteItem": "ops command run with `zappa manage`: import_tables",
}

_TRANSACT_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}
_S3_ACTIONS = {
    "HeadObject": "GetObject",
    "CreateMultipartUpload": "PutObject",
    "UploadPart": "PutObject",
    "CompleteMultipartUpload": "PutObject",
    "HeadBucket": "ListBucket",
    "ListObjects": "ListBucket",
    "ListObjectsV2": "ListBucket",
    "GetBucketEncryption": "GetEncryptionConfiguration",
    "PutBucketEncryption": "PutEncryptionConfiguration",
    "GetPublicAccessBlock": "GetBucketPublicAccessBlock",
    "PutPublicAccessBlock": "PutBucketPublicAccessBlock",
}
# botocore's service names whose IAM prefix differs (a recorder may write either).
_SERVICE_PREFIXES = {"dynamodbstreams": "dynamodb", "streams.dynamodb": "dynamodb", "sesv2": "ses"}
_ARN = re.compile(r"^arn:(?P<partition>[^:]*):(?P<service>[^:]*):(?P<region>[^:]*):(?P<account>[^:]*):(?P<rest>.*)$")


@dataclass(frozen=True)
class Request:
    """One authorization AWS makes for a call: an action on a resource, with the condition keys it carries."""

    action: str
    resource: str
    operation: str
    context: tuple[tuple[str, str], ...] = ()


@dataclass
class Report:
    """The verdict: `ok` when nothing is denied, unknown or unexplained."""

    requests: list[Request] = field(default_factory=list)
    denied: list[Request] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)  # calls no rule here turns into a request
    wrong_resource_type: list[Request] = field(default_factory=list)  # the ARN is not a type the action takes
    unknown_actions: list[str] = field(default_factory=list)  # in the policy, not in AWS's tables
    unused: list[str] = field(default_factory=list)  # granted, never made, and not in NOT_MADE_BY_THE_CODE

    @property
    def ok(self) -> bool:
        return not (self.denied or self.unmapped or self.wrong_resource_type or self.unknown_actions or self.unused)


class _Builder:
    """Builds the IAM requests of calls in order (a GetRecords names only its iterator: its stream comes before)."""

    def __init__(self, *, region: str, account_id: str):
        self.region, self.account = region, account_id
        self.last_stream: str | None = None
        self.last_workgroup: str | None = None

    def arn(self, service: str, resource: str) -> str:
        return f"arn:aws:{service}:{self.region}:{self.account}:{resource}"

    def restate(self, arn: str) -> str:
        """An ARN from a response (a stream's), with the stage's region and account."""
        match = _ARN.match(arn)
        return self.arn(match["service"], match["rest"]) if match else arn

    def requests(self, call: dict) -> list[Request] | None:
        service = _SERVICE_PREFIXES.get(call["service"], call["service"])
        method = getattr(self, f"_{service}", None)
        if method is None:
            return None
        built = method(call["operation"], call["params"])
        if built is None:
            return None
        return [Request(action=a, resource=r, operation=call["operation"], context=tuple(c)) for a, r, *c in built]

    def _dynamodb(self, operation: str, params: dict):
        table = lambda name: self.arn("dynamodb", f"table/{name}")  # noqa: E731
        if operation in ("TransactWriteItems", "TransactGetItems"):
            out = []
            for item in params["TransactItems"]:
                ((kind, body),) = item.items()
                action = "GetItem" if kind == "Get" else _TRANSACT_ACTIONS[kind]
                out.append((f"dynamodb:{action}", table(body["TableName"])))
            return out
        if operation in ("BatchGetItem", "BatchWriteItem"):
            return [(f"dynamodb:{operation}", table(name)) for name in params["RequestItems"]]
        if operation == "ListStreams":
            return [("dynamodb:ListStreams", "*")]
        if operation in ("DescribeStream", "GetShardIterator"):
            self.last_stream = self.restate(params["StreamArn"])
            return [(f"dynamodb:{operation}", self.last_stream)]
        if operation == "GetRecords":
            return [("dynamodb:GetRecords", self.last_stream)] if self.last_stream else None
        if "TableName" not in params:
            return None
        resource = table(params["TableName"])
        if params.get("IndexName"):
            resource += f"/index/{params['IndexName']}"
        return [(f"dynamodb:{operation}", resource)]

    def _s3(self, operation: str, params: dict):
        bucket = f"arn:aws:s3:::{params['Bucket']}"
        if operation == "DeleteObjects":
            return [("s3:DeleteObject", f"{bucket}/{o['Key']}") for o in params["Delete"]["Objects"]]
        action = f"s3:{_S3_ACTIONS.get(operation, operation)}"
        return [(action, f"{bucket}/{params['Key']}" if "Key" in params else bucket)]

    def _sqs(self, operation: str, params: dict):
        """A batch call is authorized as its single action (SendMessageBatch as sqs:SendMessage), as AWS does."""
        name = params.get("QueueName") or params["QueueUrl"].rstrip("/").rsplit("/", 1)[1]
        return [(f"sqs:{operation.removesuffix('Batch')}", self.arn("sqs", name))]

    def _ses(self, operation: str, params: dict):
        """SESv2 SendEmail is authorized on the identity of its From address: the domain's, as the stage verifies it."""
        if operation != "SendEmail":
            return None
        _name, address = parseaddr(params.get("FromEmailAddress", ""))
        return [("ses:SendEmail", self.arn("ses", f"identity/{address.rsplit('@', 1)[-1].lower()}"))]

    def _ssm(self, operation: str, params: dict):
        names = params.get("Names") or [params["Name"]]
        return [(f"ssm:{operation}", self.arn("ssm", f"parameter/{name.lstrip('/')}")) for name in names]

    def _glue(self, operation: str, params: dict):
        database = params.get("DatabaseName") or params.get("Name") or params.get("DatabaseInput", {}).get("Name")
        resources = [self.arn("glue", "catalog"), self.arn("glue", f"database/{database}")]
        table = params.get("TableName") or params.get("TableInput", {}).get("Name")
        if "DatabaseName" in params:
            table = table or params.get("Name")
        if table:
            resources.append(self.arn("glue", f"table/{database}/{table}"))
        return [(f"glue:{operation}", resource) for resource in resources] if database else None

    def _athena(self, operation: str, params: dict):
        if operation == "ListWorkGroups":
            return [("athena:ListWorkGroups", "*")]
        workgroup = params.get("WorkGroup") or params.get("Name")
        if workgroup:
            self.last_workgroup = workgroup
        workgroup = workgroup or self.last_workgroup
        return [(f"athena:{operation}", self.arn("athena", f"workgroup/{workgroup}"))] if workgroup else None

    def _lambda(self, operation: str, params: dict):
        if "FunctionName" not in params:
            return [(f"lambda:{operation}", "*")]
        function = self.arn("lambda", f"function:{params['FunctionName']}")
        return [
            (
                f"lambda:{operation}",
                "*" if "EventSourceMapping" in operation else function,
                ("lambda:FunctionArn", function),
            )
        ]


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _condition_holds(condition: dict, context: dict[str, str]) -> bool:
    """StringEquals and StringLike on single-valued keys; any other operator fails closed."""
    for operator, keys in condition.items():
        for key, wanted in keys.items():
            value = context.get(key)
            if value is None:
                return False
            if operator == "StringEquals" and value not in _as_list(wanted):
                return False
            if operator == "StringLike" and not any(fnmatch.fnmatchcase(value, w) for w in _as_list(wanted)):
                return False
            if operator not in ("StringEquals", "StringLike"):
                return False
    return True


def _statement_matches(statement: dict, request: Request) -> bool:
    if "NotAction" in statement or "NotResource" in statement:
        raise ValueError(f"Statement {statement.get('Sid')}: NotAction/NotResource are not evaluated here.")
    action = request.action.lower()  # IAM matches actions case-insensitively, resources case-sensitively
    if not any(fnmatch.fnmatchcase(action, pattern.lower()) for pattern in _as_list(statement["Action"])):
        return False
    if not any(fnmatch.fnmatchcase(request.resource, pattern) for pattern in _as_list(statement["Resource"])):
        return False
    return _condition_holds(statement.get("Condition", {}), dict(request.context))


def allowed(policy: dict, request: Request) -> bool:
    """IAM's decision for one identity policy: explicit Deny, else a matching Allow, else deny."""
    statements = policy["Statement"]
    if any(s["Effect"] == "Deny" and _statement_matches(s, request) for s in statements):
        return False
    return any(s["Effect"] == "Allow" and _statement_matches(s, request) for s in statements)


def _resource_type_ok(request: Request) -> bool:
    """Whether AWS's table lists a resource type of the action that the built ARN is (or the action takes `*`)."""
    from policy_sentry.querying.actions import get_action_data
    from policy_sentry.util.arns import does_arn_match

    service, name = request.action.split(":", 1)
    formats = [entry["resource_arn_format"] for entry in get_action_data(service, name).get(service, [])]
    if request.resource == "*":
        return "*" in formats
    return any(f != "*" and does_arn_match(request.resource, f) for f in formats)


def granted_actions(policy: dict) -> set[str]:
    """The actions the policy's Allow statements name (the rendered policies name no wildcard actions)."""
    return {a for s in policy["Statement"] if s["Effect"] == "Allow" for a in _as_list(s["Action"])}


def policy_region_and_account(policy: dict) -> tuple[str, str]:
    """The region and account a rendered policy names (its first ARN that has both)."""
    for statement in policy["Statement"]:
        for resource in _as_list(statement["Resource"]):
            match = _ARN.match(resource)
            if match and match["region"] not in ("", "*") and re.fullmatch(r"\d{12}", match["account"]):
                return match["region"], match["account"]
    raise ValueError("The policy names no ARN with a region and an account: pass them.")


def evaluate(
    calls: Iterable[dict],
    policy: dict,
    *,
    region: str | None = None,
    account_id: str | None = None,
    not_made: dict[str, str] = NOT_MADE_BY_THE_CODE,
) -> Report:
    """Evaluate every call against `policy`; ARNs are built in `region` and `account_id` (default: the policy's).

    See the module docstring.
    """
    from policy_sentry.querying.actions import get_action_data

    if region is None or account_id is None:
        named_region, named_account = policy_region_and_account(policy)
        region, account_id = region or named_region, account_id or named_account

    report = Report()
    for action in sorted(granted_actions(policy)):
        service, name = action.split(":", 1)
        if not get_action_data(service, name).get(service):
            report.unknown_actions.append(action)
    builder = _Builder(region=region, account_id=account_id)
    for call in calls:
        requests = builder.requests(call)
        if requests is None:
            report.unmapped.append(f"{call['service']}:{call['operation']}")
            continue
        for request in requests:
            report.requests.append(request)
            if not _resource_type_ok(request):
                report.wrong_resource_type.append(request)
            if not allowed(policy, request):
                report.denied.append(request)
    made = {r.action for r in report.requests}
    report.unused = sorted(a for a in granted_actions(policy) if a not in made and a not in not_made)
    report.denied = list(dict.fromkeys(report.denied))
    report.unmapped = sorted(set(report.unmapped))
    report.wrong_resource_type = list(dict.fromkeys(report.wrong_resource_type))
    return report
