"""A record of every AWS call a process makes, taken from botocore's events, and its reader.

`install(path)` adds two observers to the handlers botocore registers on every new session
(`botocore.handlers.BUILTIN_HANDLERS`), so every client built afterwards reports to them:
boto3's, PynamoDB's, django-storages', ours. Nothing is changed in a call; the observers
only read. It must run before the first client is built (the Lambda-shaped run's bootstrap,
deploy/lambda_runtime.py, installs it before the handler module loads). It imports only the
standard library and botocore, so it runs next to a bundle that holds nothing else of ours.

The record is JSON lines, one line per API call (retries of a call are not repeated):

    {"service": "dynamodb", "signing_name": "dynamodb", "operation": "TransactWriteItems",
     "region": "eu-west-1", "params": {"TransactItems": [{"Update": {"TableName": "bookstore-dev-book_stock"}},
     ...]}, "session_token": true}

- `service`: botocore's service name, as in `boto3.client(service)` (`dynamodb`,
  `dynamodbstreams`, `s3`, `ssm`, `sqs`, `lambda`, `glue`, `athena`, ...).
- `signing_name`: the name the request is signed for (DynamoDB Streams signs as `dynamodb`),
  which is also the IAM action prefix of the services this project calls.
- `operation`: the API operation (`GetItem`, `PutObject`), the IAM action's name for them.
- `region`: the client's region, for building the resource's ARN.
- `params`: only the parameters that name a resource (`RESOURCE_PARAMS`: table, index,
  stream ARN, bucket and key, queue, function, mapping UUID, parameter names, Glue database
  and table, Athena workgroup...); never item data, bodies or values. Calls that name their
  resources inside a list keep that list's shape with the names alone, as
  deploy/policy_check.py reads any botocore call: a transaction's `TransactItems` as
  `[{"Put": {"TableName": ...}}, ...]` (AWS authorizes each item as its own action), a batch's
  `RequestItems` as `{table: {}}`, S3's `DeleteObjects` as `{"Delete": {"Objects": [{"Key": ...}]}}`,
  Glue's `TableInput` and `DatabaseInput` as `{"Name": ...}`.
- `session_token`: whether the signed request carried `X-Amz-Security-Token`, i.e. the
  credentials were sent whole.

`read_calls(path)` returns the lines as a list of dicts, in the order the calls were made.
"""

import json
import threading
from pathlib import Path

# API parameters that name the resource a call acts on (what an ARN or a condition key needs).
RESOURCE_PARAMS = frozenset(
    {
        "TableName",
        "IndexName",
        "StreamArn",
        "Bucket",
        "Key",
        "Prefix",
        "QueueUrl",
        "QueueName",
        "FunctionName",
        "EventSourceArn",
        "UUID",
        "Name",
        "Names",
        "Path",
        "DatabaseName",
        "WorkGroup",
        "QueryExecutionId",
        "RoleArn",
        "RoleSessionName",
        "ResourceArn",
        "FromEmailAddress",  # SESv2 SendEmail: the sender, whose domain is the identity authorized
    }
)


def _resource_params(params: dict) -> dict:
    """The parameters that name the call's resources, and nothing else (the shapes are in the docstring)."""
    found = {key: value for key, value in params.items() if key in RESOURCE_PARAMS}
    if isinstance(params.get("RequestItems"), dict):  # BatchGetItem, BatchWriteItem
        found["RequestItems"] = {table: {} for table in params["RequestItems"]}
    if isinstance(params.get("TransactItems"), list):  # TransactWriteItems, TransactGetItems
        found["TransactItems"] = [
            {kind: {"TableName": request["TableName"]} for kind, request in item.items()}
            for item in params["TransactItems"]
        ]
    delete = params.get("Delete")
    if isinstance(delete, dict) and isinstance(delete.get("Objects"), list):  # S3 DeleteObjects
        found["Delete"] = {"Objects": [{"Key": o["Key"]} for o in delete["Objects"]]}
    for name in ("TableInput", "DatabaseInput"):  # Glue CreateTable, UpdateTable, CreateDatabase
        if isinstance(params.get(name), dict) and "Name" in params[name]:
            found[name] = {"Name": params[name]["Name"]}
    return found


_local = threading.local()
_lock = threading.Lock()


def install(path: str | Path) -> None:
    """Record every call of every botocore client created from now on, appending JSON lines to `path`."""
    import botocore.handlers

    record = open(path, "a", buffering=1)  # noqa: SIM115  (open for the life of the process)

    def on_parameters(params, model, **kwargs):
        service = model.service_model
        _local.pending = {
            "service": service.service_name,
            "signing_name": service.signing_name,
            "operation": model.name,
            "region": None,
            "params": _resource_params(params),
        }

    def on_sign(request, region_name=None, **kwargs):
        pending = getattr(_local, "pending", None)
        if pending is not None:
            pending["region"] = region_name

    def on_send(request, **kwargs):
        pending = getattr(_local, "pending", None)
        if pending is None:
            return  # a retry of a call already written
        _local.pending = None
        pending["session_token"] = "X-Amz-Security-Token" in request.headers
        with _lock:
            record.write(json.dumps(pending, default=str) + "\n")

    botocore.handlers.BUILTIN_HANDLERS.extend(
        [("before-parameter-build", on_parameters), ("before-sign", on_sign), ("before-send", on_send)]
    )


def read_calls(path: str | Path) -> list[dict]:
    """The calls recorded in `path`, in order (the format is in this module's docstring)."""
    text = Path(path).read_text() if Path(path).exists() else ""
    return [json.loads(line) for line in text.splitlines() if line.strip()]
