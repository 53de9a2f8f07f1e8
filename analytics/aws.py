"""boto3 clients of the analytics services (Glue, Athena, S3), configured from settings.

On AWS the endpoint is the default and credentials come from the Lambda role; locally the
settings point every client at the emulator.
"""

from functools import cache

import boto3
from botocore.config import Config
from django.conf import settings


@cache
def aws_client(service: str):
    return boto3.client(
        service,
        endpoint_url=settings.AWS_ENDPOINT_URL,
        region_name=settings.AWS_REGION,
        aws_access_key_id=settings.AWS_ACCESS_KEY_ID,
        aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY,
        config=Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=20),
    )
