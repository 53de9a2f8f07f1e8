"""Turn on default encryption and the public-access block of the stage's analytics bucket (idempotent)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from bookstore.encryption import bucket_secure


class Command(BaseCommand):
    help = (
        "Give the analytics bucket default encryption (SSE-S3, or SSE-KMS when ANALYTICS_BUCKET_KMS_KEY is set) "
        "and block all public access. The bucket must exist. Safe to re-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bucket", help="Bucket name. Default: the ANALYTICS_BUCKET setting.")

    def handle(self, *args, bucket=None, **options):
        import boto3

        bucket = bucket or settings.ANALYTICS_BUCKET
        s3 = boto3.client(
            "s3",
            endpoint_url=settings.AWS_ENDPOINT_URL,
            region_name=settings.AWS_REGION,
            aws_access_key_id=settings.AWS_ACCESS_KEY_ID,
            aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY,
        )
        bucket_secure(s3_client=s3, bucket=bucket, kms_key_id=settings.ANALYTICS_BUCKET_KMS_KEY)
        kind = "SSE-KMS" if settings.ANALYTICS_BUCKET_KMS_KEY else "SSE-S3"
        self.stdout.write(self.style.SUCCESS(f"{bucket}: default encryption {kind}, public access blocked."))
