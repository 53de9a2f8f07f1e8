"""boto3 clients of the analytics services (Glue, Athena), configured from settings.

On AWS the endpoint is the default and credentials come from the Lambda role; locally the
settings point every client at the emulator.
"""

from functools import cache

import boto3
from botocore.config import Config
from django.conf import settings


def aws_client(service: str):
    """A client of `service` for the configured endpoint and region (one per configuration)."""
    return _client(
        service,
        settings.AWS_ENDPOINT_URL,
        settings.AWS_REGION,
        settings.AWS_ACCESS_KEY_ID,
        settings.AWS_SECRET_ACCESS_KEY,
    )


@cache
def _client(service: str, endpoint_url, region: str, access_key, secret_key):
    return boto3.client(
        service,
        endpoint_url=endpoint_url,
        region_name=region,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        config=Config(retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=5, read_timeout=20),
    )
