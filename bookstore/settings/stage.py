"""The names a stage derives from its own: tables, buckets, Glue database, Athena workgroup, function, queue, secrets.

base.py knows no stage. Each environment (local, test, production) sets STAGE, then takes
these names from `stage_names(STAGE)` right after, so every name belongs to the stage in
force (`bookstore-local-`, `bookstore-test-`, `bookstore-prod-`). An environment variable of
the same name wins over the derived value.
"""

from collections.abc import Callable

from .env import env as environment


def stage_names(stage: str, *, env: Callable[[str, str], str] = environment) -> dict[str, str]:
    """The stage's resource names; `env` reads a variable with its default (the test settings read none)."""
    bucket = env("ANALYTICS_BUCKET", f"bookstore-analytics-{stage}")
    return {
        "DYNAMODB_TABLE_PREFIX": env("DYNAMODB_TABLE_PREFIX", f"bookstore-{stage}-"),
        # The data lake's bucket (production's "analytics" storage) and where Athena writes its results.
        "ANALYTICS_BUCKET": bucket,
        # Point-in-time exports of the tables (bookstore/backups.py): a bucket of its own, which the
        # request-serving role cannot read (an export holds every tenant's users, password hashes included).
        "BACKUP_BUCKET": env("BACKUP_BUCKET", f"bookstore-backups-{stage}"),
        "ANALYTICS_GLUE_DATABASE": env("ANALYTICS_GLUE_DATABASE", f"bookstore_{stage}"),
        "ANALYTICS_ATHENA_WORKGROUP": env("ANALYTICS_ATHENA_WORKGROUP", f"bookstore-{stage}"),
        "ANALYTICS_ATHENA_RESULTS_LOCATION": env(
            "ANALYTICS_ATHENA_RESULTS_LOCATION", f"s3://{bucket}/_athena-results/"
        ),
        # The stage's Lambda function (Zappa names it `{project}-{stage}`; inside it Lambda sets
        # AWS_LAMBDA_FUNCTION_NAME) and the queue its stream mappings send exhausted batches to.
        "STREAMS_FUNCTION_NAME": env("STREAMS_FUNCTION_NAME", env("AWS_LAMBDA_FUNCTION_NAME", f"bookstore-{stage}")),
        "STREAMS_FAILURE_QUEUE": env("STREAMS_FAILURE_QUEUE", f"bookstore-{stage}-stream-failures"),
        # The queue of outbound work (webhook deliveries, emails) the same function reads, and where
        # a message that failed OUTBOUND_MAX_RECEIVES times is set aside.
        "OUTBOUND_QUEUE": env("OUTBOUND_QUEUE", f"bookstore-{stage}-outbound"),
        "OUTBOUND_FAILURE_QUEUE": env("OUTBOUND_FAILURE_QUEUE", f"bookstore-{stage}-outbound-failures"),
        # The stage's secrets, SSM SecureString parameters `/bookstore/{stage}/NAME` (read in production).
        "SECRETS_SSM_PREFIX": env("SECRETS_SSM_PREFIX", f"/bookstore/{stage}/"),
    }
