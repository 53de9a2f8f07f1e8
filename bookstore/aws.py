"""The one place that builds AWS clients: DynamoDB, DynamoDB Streams, S3, SQS, Lambda, Glue, Athena and SSM.

`client(service_name)` takes the endpoint, region and credentials from settings. On AWS the
settings hold no keys, so botocore's default credential chain supplies the Lambda role's key,
secret and session token together: a key and secret passed without their token would make AWS
refuse every call. The local and test settings hold the emulator's static keys.

Libraries that build their own clients take the same settings: PynamoDB's models and
`connection()` (bookstore/dynamodb/base.py), and the data lake's django-storages S3 backend
(bookstore/settings/production.py), which names no keys on AWS either.

botocore is imported when the first client is built, never at import, so a request that
needs no AWS client does not pay for it. Clients are kept per configuration and shared
between threads: a botocore client is thread-safe once built, and building one is not cheap.
"""

import json
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from botocore.client import BaseClient

# Every client gives up early enough for a request behind API Gateway's 29 s, and retries
# throttling and transient errors with jittered backoff (botocore's "standard" mode). A caller
# that long-polls (SQS WaitTimeSeconds) passes a read_timeout longer than its wait.
DEFAULT_OPTIONS: dict[str, Any] = {
    "connect_timeout": 5,
    "read_timeout": 20,
    "retries": {"mode": "standard", "max_attempts": 3},
}

_clients: dict[tuple, "BaseClient"] = {}
_clients_lock = threading.Lock()


def client(service_name: str, **options: Any) -> "BaseClient":
    """The stage's client of `service_name`, e.g. `client("sqs")`; `options` are botocore `Config` options.

    The same configuration gives the same client, so a hook registered on it sees every call.
    """
    from django.conf import settings

    endpoint_url = settings.DYNAMODB_ENDPOINT_URL if service_name == "dynamodb" else settings.AWS_ENDPOINT_URL
    keys = static_keys()
    key = (service_name, endpoint_url, settings.AWS_REGION, keys, json.dumps(options, sort_keys=True, default=repr))
    with _clients_lock:
        if key not in _clients:
            built = client_build(
                service_name, region_name=settings.AWS_REGION, endpoint_url=endpoint_url, keys=keys, **options
            )
            if service_name == "dynamodb":
                from bookstore.dynamodb.capacity import observe

                observe(built)  # its units count toward the request's cost, as PynamoDB's do
            _clients[key] = built
        return _clients[key]


def static_keys() -> tuple[str, str] | None:
    """The emulator's key and secret from the local and test settings; None on AWS (the default chain)."""
    from django.conf import settings

    if settings.AWS_ACCESS_KEY_ID and settings.AWS_SECRET_ACCESS_KEY:
        return settings.AWS_ACCESS_KEY_ID, settings.AWS_SECRET_ACCESS_KEY
    return None


def client_build(
    service_name: str,
    *,
    region_name: str,
    endpoint_url: str | None = None,
    keys: tuple[str, str] | None = None,
    **options: Any,
) -> "BaseClient":
    """A new client from explicit configuration, for code that runs while the settings load (their secrets).

    Without `keys`, botocore's default credential chain answers (environment with session
    token, then the container or instance role). Without `endpoint_url`, AWS's endpoint, or
    the one botocore's `AWS_ENDPOINT_URL_<SERVICE>` variable names.
    """
    import botocore.session
    from botocore.config import Config

    credentials = {"aws_access_key_id": keys[0], "aws_secret_access_key": keys[1]} if keys else {}
    # A session of its own: the default chain is read now, not from another client's cache.
    return botocore.session.get_session().create_client(
        service_name,
        region_name=region_name,
        endpoint_url=endpoint_url,
        config=Config(**{**DEFAULT_OPTIONS, **options}),
        **credentials,
    )
