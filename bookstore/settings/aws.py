"""AWS: region, endpoints and credentials of every client (bookstore/aws.py and PynamoDB), DynamoDB's own knobs.

The stage-derived names (table prefix, bucket, ...) are in stage.py.
"""

from .env import env, env_bool, env_int

AWS_REGION = env("AWS_REGION", env("AWS_DEFAULT_REGION", "eu-west-1"))
# None means "the real AWS endpoint"; the local and test settings point both at the emulator.
DYNAMODB_ENDPOINT_URL = env("DYNAMODB_ENDPOINT_URL") or None
# Every other AWS API (SSM, S3, DynamoDB Streams, Lambda, SQS, Glue, Athena).
AWS_ENDPOINT_URL = env("AWS_ENDPOINT_URL") or None
# None: botocore's default credential chain, which on Lambda gives the role's key, secret and session
# token together. Never read from the environment here: there they are the role's temporary keys, and
# passed on without their token AWS refuses every call. The local and test settings name the emulator's.
AWS_ACCESS_KEY_ID: str | None = None
AWS_SECRET_ACCESS_KEY: str | None = None

DYNAMODB_MAX_RETRY_ATTEMPTS = env_int("DYNAMODB_MAX_RETRY_ATTEMPTS", 3)
# Which key encrypts the tables at rest: aws-owned (default), aws-managed, or a KMS key ARN/alias.
DYNAMODB_SSE = env("DYNAMODB_SSE", "aws-owned")

# X-Ray subsegments for every AWS call and search (bookstore/tracing.py); on together with the
# stage's zappa `xray_tracing`, which makes Lambda trace the invocations.
XRAY_TRACING = env_bool("XRAY_TRACING", False)
