"""Record the AWS calls made in this process: `{service, operation, params}`, observed by botocore hooks.

The hooks observe (`before-parameter-build`: the API parameters as the caller gave them),
never replace a call. They go on every client the code shares: the clients of
bookstore/aws.py (built here first, so later callers get the same object), PynamoDB's
connection and every model's, and the lake's S3 client when the lake is S3. `service` is
the client's signing name, which is the IAM service prefix (DynamoDB Streams signs as
`dynamodb`). Calls through a client built elsewhere are not seen: the Lambda-shaped run's
recorder (deploy/call_record.py) covers the bundle as a whole.
"""

from collections.abc import Iterator
from contextlib import contextmanager

SHARED_SERVICES = ("dynamodb", "dynamodbstreams", "s3", "sqs", "lambda", "glue", "athena", "ssm", "sesv2")


def _clients() -> list:
    from bookstore.aws import client
    from bookstore.dynamodb.base import connection
    from bookstore.dynamodb.registry import registered_models

    clients = [client(name) for name in SHARED_SERVICES]
    clients += [connection().client] + [m._get_connection().connection.client for m in registered_models()]
    try:
        from analytics.lake_access import lake_storage

        clients.append(lake_storage().connection.meta.client)  # S3Storage only
    except AttributeError:
        pass
    return list({id(c): c for c in clients}.values())


@contextmanager
def recorded_aws_calls() -> Iterator[list[dict]]:
    """A list that fills with every call sent while the block runs, in order."""
    calls: list[dict] = []
    clients = _clients()
    handlers = []
    for each in clients:
        service = each.meta.service_model.signing_name

        def record(model, params, _service=service, **kwargs):
            calls.append({"service": _service, "operation": model.name, "params": dict(params)})

        each.meta.events.register("before-parameter-build", record)
        handlers.append((each, record))
    try:
        yield calls
    finally:
        for each, record in handlers:
            each.meta.events.unregister("before-parameter-build", record)
