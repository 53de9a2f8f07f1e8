"""The event sources of the stream handlers: each streamed table's latest stream, by ARN."""

from bookstore.aws import client
from bookstore.dynamodb.base import table_name


def stream_arn(table: str) -> str | None:
    """The latest stream ARN of a logical table (one DescribeTable), None if it has no stream."""
    description = client("dynamodb").describe_table(TableName=table_name(table))["Table"]
    return description.get("LatestStreamArn")
