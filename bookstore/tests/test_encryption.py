"""Encryption at rest (bookstore/encryption.py), read back from the emulator."""

import pytest
from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

from bookstore.aws import client
from bookstore.dynamodb.base import TableMeta
from bookstore.dynamodb.registry import create_tables, register, registered_models
from bookstore.encryption import bucket_secure, table_sse_specification

KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"


@pytest.fixture
def s3():
    return client("s3")


@pytest.fixture
def scratch_model(settings):
    """A model registered only for this test, so create_tables has a table to create."""
    from bookstore.dynamodb import registry

    class Scratch(Model):
        class Meta(TableMeta):
            table_name = f"{settings.DYNAMODB_TABLE_PREFIX}sse-scratch"

        key = UnicodeAttribute(hash_key=True)

    register(Scratch)
    yield Scratch
    registry._models.pop(Scratch.Meta.table_name)
    Scratch.delete_table()


def test_the_setting_chooses_the_key():
    assert table_sse_specification("aws-owned") is None
    assert table_sse_specification("aws-managed") == {"Enabled": True, "SSEType": "KMS"}
    assert table_sse_specification(KEY_ARN) == {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": KEY_ARN}


def test_create_tables_creates_a_table_with_the_configured_kms_key(settings, scratch_model):
    settings.DYNAMODB_SSE = KEY_ARN
    assert create_tables() == [scratch_model.Meta.table_name]
    assert scratch_model.describe_table()["SSEDescription"] == {
        "Status": "ENABLED",
        "SSEType": "KMS",
        "KMSMasterKeyArn": KEY_ARN,
    }


def test_by_default_the_tables_use_dynamodbs_own_key():
    # DynamoDB encrypts every table; with its own (AWS-owned) key DescribeTable shows no SSEDescription.
    for model in registered_models():
        assert "SSEDescription" not in model.describe_table(), model.Meta.table_name


@pytest.mark.parametrize(
    ("kms_key", "expected"),
    [
        (None, {"SSEAlgorithm": "AES256"}),
        (KEY_ARN, {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": KEY_ARN}),
    ],
)
def test_the_analytics_bucket_is_encrypted_and_not_public(s3, kms_key, expected):
    s3.create_bucket(Bucket="bookstore-analytics-test")
    try:
        bucket_secure(s3_client=s3, bucket="bookstore-analytics-test", kms_key_id=kms_key)
        bucket_secure(s3_client=s3, bucket="bookstore-analytics-test", kms_key_id=kms_key)  # idempotent
        rules = s3.get_bucket_encryption(Bucket="bookstore-analytics-test")["ServerSideEncryptionConfiguration"]
        assert rules["Rules"][0]["ApplyServerSideEncryptionByDefault"] == expected
        block = s3.get_public_access_block(Bucket="bookstore-analytics-test")["PublicAccessBlockConfiguration"]
        assert block == {
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        }
    finally:
        s3.delete_bucket(Bucket="bookstore-analytics-test")


def test_the_command_secures_the_configured_bucket(s3, settings):
    from io import StringIO

    from django.core.management import call_command

    s3.create_bucket(Bucket=settings.ANALYTICS_BUCKET)
    try:
        out = StringIO()
        call_command("secure_analytics_bucket", stdout=out)
        assert "SSE-S3, public access blocked" in out.getvalue()
        assert s3.get_public_access_block(Bucket=settings.ANALYTICS_BUCKET)["PublicAccessBlockConfiguration"][
            "BlockPublicPolicy"
        ]
    finally:
        s3.delete_bucket(Bucket=settings.ANALYTICS_BUCKET)
