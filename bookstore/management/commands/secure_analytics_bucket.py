"""Turn on default encryption and the public-access block of the stage's analytics bucket (idempotent)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from bookstore.aws import client
from bookstore.encryption import bucket_secure


class Command(BaseCommand):
    help = (
        "Give the analytics bucket default encryption (SSE-S3, or SSE-KMS when ANALYTICS_BUCKET_KMS_KEY is set) "
        "and block all public access. The bucket must exist. Safe to re-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bucket", help="Bucket name. Default: the ANALYTICS_BUCKET setting.")

    def handle(self, *args, bucket=None, **options):
        bucket = bucket or settings.ANALYTICS_BUCKET
        bucket_secure(s3_client=client("s3"), bucket=bucket, kms_key_id=settings.ANALYTICS_BUCKET_KMS_KEY)
        kind = "SSE-KMS" if settings.ANALYTICS_BUCKET_KMS_KEY else "SSE-S3"
        self.stdout.write(self.style.SUCCESS(f"{bucket}: default encryption {kind}, public access blocked."))
