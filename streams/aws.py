"""boto3 clients for the AWS APIs the streams code calls directly, configured from settings."""

from functools import cache

from django.conf import settings


@cache
def client(service: str):
    """A client for `service` (dynamodb, dynamodbstreams, lambda, sqs) at the configured endpoint."""
    import boto3

    endpoint = settings.DYNAMODB_ENDPOINT_URL if service == "dynamodb" else settings.AWS_ENDPOINT_URL
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=settings.AWS_REGION,
        aws_access_key_id=settings.AWS_ACCESS_KEY_ID,
        aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY,
    )


def stream_arn(table: str) -> str | None:
    """The latest stream ARN of a logical table (one DescribeTable), None if it has no stream."""
    from bookstore.dynamodb.base import table_name

    description = client("dynamodb").describe_table(TableName=table_name(table))["Table"]
    return description.get("LatestStreamArn")
