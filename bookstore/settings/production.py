"""Settings for a deployed Zappa stage (dev, test, prod): real AWS, secrets from the environment."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY, env

DEBUG = False
if SECRET_KEY.startswith("insecure-"):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set for a deployed stage.")
ALLOWED_HOSTS = [h for h in env("DJANGO_ALLOWED_HOSTS", "*").split(",") if h]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_COOKIE_SECURE = True

# The data lake: the stage's S3 bucket, through django-storages; a batch replay overwrites its own file.
STORAGES = {
    **STORAGES,  # noqa: F405
    "analytics": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("ANALYTICS_BUCKET", f"bookstore-analytics-{STAGE}"),  # noqa: F405
            "region_name": AWS_REGION,  # noqa: F405
            "file_overwrite": True,
            "default_acl": None,
        },
    },
}
