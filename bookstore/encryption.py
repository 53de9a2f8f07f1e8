"""Encryption at rest: the tables' SSE and the analytics bucket's default encryption and public-access block.

DynamoDB always encrypts at rest; the setting only chooses the key. `DYNAMODB_SSE` is
`aws-owned` (the default: DynamoDB's own key, free, nothing to manage), `aws-managed` (the
account's `aws/dynamodb` KMS key, auditable in CloudTrail) or the ARN or alias of a customer
managed KMS key. DynamoDB takes the key when the table is created, so `create_tables`
sends it in CreateTable (PynamoDB has no parameter for it: a botocore hook adds it).

The analytics bucket gets SSE-S3, or SSE-KMS with `ANALYTICS_BUCKET_KMS_KEY`, as its
default encryption, and all four public-access blocks. `bucket_secure` reads before it writes,
so `python -m deploy.provision` (or `secure_analytics_bucket`) can run it on every deploy.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

AWS_OWNED = "aws-owned"
AWS_MANAGED = "aws-managed"


def table_sse_specification(choice: str | None = None) -> dict | None:
    """The CreateTable `SSESpecification` for a `DYNAMODB_SSE` value (None: DynamoDB's own key)."""
    choice = choice if choice is not None else settings.DYNAMODB_SSE
    if choice in ("", AWS_OWNED):
        return None
    if choice == AWS_MANAGED:
        return {"Enabled": True, "SSEType": "KMS"}
    return {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": choice}


@contextmanager
def tables_created_with_sse(clients) -> Iterator[None]:
    """While open, every CreateTable sent through `clients` carries the configured SSESpecification."""
    specification = table_sse_specification()

    def add_sse(params, **kwargs):
        if specification is not None:
            params.setdefault("SSESpecification", specification)

    unique = {id(client): client for client in clients}.values()
    for client in unique:
        client.meta.events.register("before-parameter-build.dynamodb.CreateTable", add_sse)
    try:
        yield
    finally:
        for client in unique:
            client.meta.events.unregister("before-parameter-build.dynamodb.CreateTable", add_sse)


def bucket_encryption_rule(kms_key_id: str | None) -> dict:
    """SSE-S3 without a key; SSE-KMS with one (bucket keys on, so KMS is called once per object batch)."""
    if not kms_key_id:
        return {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
    return {
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": kms_key_id},
        "BucketKeyEnabled": True,
    }


PUBLIC_ACCESS_BLOCKED = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


def _bucket_encryption(s3_client, bucket: str) -> list[dict]:
    try:
        return s3_client.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    except s3_client.exceptions.ClientError as error:
        if error.response["Error"]["Code"] != "ServerSideEncryptionConfigurationNotFoundError":
            raise
        return []


def _public_access_block(s3_client, bucket: str) -> dict:
    try:
        return s3_client.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    except s3_client.exceptions.ClientError as error:
        if error.response["Error"]["Code"] != "NoSuchPublicAccessBlockConfiguration":
            raise
        return {}


def bucket_secure(*, s3_client, bucket: str, kms_key_id: str | None = None) -> list[str]:
    """Default encryption and a full public-access block on an existing bucket; returns what it changed.

    Each setting is read first and written only when it differs, so a second run changes nothing.
    """
    changed = []
    rule = bucket_encryption_rule(kms_key_id)
    current = _bucket_encryption(s3_client, bucket)
    same = bool(current) and (
        current[0].get("ApplyServerSideEncryptionByDefault") == rule["ApplyServerSideEncryptionByDefault"]
        and bool(current[0].get("BucketKeyEnabled")) == bool(rule.get("BucketKeyEnabled"))
    )
    if not same:
        s3_client.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [rule]})
        changed.append(f"{bucket}: default encryption {rule['ApplyServerSideEncryptionByDefault']['SSEAlgorithm']}")
    if _public_access_block(s3_client, bucket) != PUBLIC_ACCESS_BLOCKED:
        s3_client.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=PUBLIC_ACCESS_BLOCKED)
        changed.append(f"{bucket}: public access blocked")
    return changed
