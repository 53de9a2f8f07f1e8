"""Configuration every PynamoDB model inherits, read from Django settings.

The same models talk to AWS or to the local emulator: only the endpoint, region,
credentials and table-name prefix differ, and all of them come from settings. PynamoDB
builds its own clients, with the rule of bookstore/aws.py: on AWS the settings hold no
keys, so botocore's default chain gives the role's key, secret and session token together;
the local and test settings hold the emulator's static keys.
"""

from functools import cache

from django.conf import settings
from pynamodb.attributes import UTCDateTimeAttribute
from pynamodb.connection import Connection
from pynamodb.models import Model

from bookstore.aws import static_keys

PAY_PER_REQUEST = "PAY_PER_REQUEST"
NEW_AND_OLD_IMAGES = "NEW_AND_OLD_IMAGES"


def table_name(name: str) -> str:
    """The physical name of a logical table: `bookstore-{stage}-{name}`."""
    return f"{settings.DYNAMODB_TABLE_PREFIX}{name}"


class TableMeta:
    """Base `Meta` for every model; subclasses add `table_name` and, where needed, streams."""

    host = settings.DYNAMODB_ENDPOINT_URL
    region = settings.AWS_REGION
    # The emulator's keys locally; none on AWS, where the default chain brings key, secret and token.
    aws_access_key_id, aws_secret_access_key = static_keys() or (None, None)
    aws_session_token = None  # static keys (the emulator's) have no token; the chain brings its own
    billing_mode = PAY_PER_REQUEST
    max_retry_attempts = settings.DYNAMODB_MAX_RETRY_ATTEMPTS
    connect_timeout_seconds = 5
    read_timeout_seconds = 10


class BaseModel(Model):
    """A model with the created_at/updated_at timestamps every table carries (UTC)."""

    class Meta:
        abstract = True

    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute(null=True)


@cache
def connection() -> Connection:
    """The table-independent connection that transactions use, configured like the models."""
    return Connection(
        host=TableMeta.host,
        region=TableMeta.region,
        aws_access_key_id=TableMeta.aws_access_key_id,
        aws_secret_access_key=TableMeta.aws_secret_access_key,
        aws_session_token=TableMeta.aws_session_token,
        max_retry_attempts=TableMeta.max_retry_attempts,
        connect_timeout_seconds=TableMeta.connect_timeout_seconds,
        read_timeout_seconds=TableMeta.read_timeout_seconds,
    )


class UserPartitionKeys:
    """Key helpers of items kept per user: PK `{tenant}#{user_id}`, SK `{SORT_PREFIX}#{item id}`."""

    SORT_PREFIX: str

    @staticmethod
    def key(tenant_id: str, user_id: str) -> str:
        return f"{tenant_id}#{user_id}"

    @classmethod
    def sort_key(cls, item_id: str) -> str:
        return f"{cls.SORT_PREFIX}#{item_id}"
