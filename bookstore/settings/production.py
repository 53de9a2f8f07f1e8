"""Settings for a deployed Zappa stage (dev, test, prod): real AWS, secrets from SSM, HTTPS only.

zappa_settings.json gives each stage its environment (stage, domain, endpoints, origins);
the secrets are read from SSM Parameter Store once per container (bookstore/secret_store.py).
No AWS keys are set here: every client takes botocore's default credential chain, which on
Lambda is the role's key, secret and session token (bookstore/aws.py).
"""

from django.core.exceptions import ImproperlyConfigured

from bookstore.secret_store import secrets_load

from .base import *  # noqa: F403
from .base import AWS_REGION, ELASTICSEARCH_URL, ELASTICSEARCH_URLS, SIMPLE_JWT
from .env import env, env_bool, env_int
from .search import is_loopback_url
from .stage import stage_names

STAGE = env("BOOKSTORE_STAGE", "dev")
_names = stage_names(STAGE)
globals().update(_names)  # DYNAMODB_TABLE_PREFIX, ANALYTICS_BUCKET, STREAMS_FUNCTION_NAME, SECRETS_SSM_PREFIX, ...

DEBUG = False

# --- Search: Elasticsearch 8 over TLS with an API key; only a cluster on loopback may go without ---
_remote_clusters = sorted(url for url in {ELASTICSEARCH_URL, *ELASTICSEARCH_URLS.values()} if not is_loopback_url(url))
if [url for url in _remote_clusters if not url.startswith("https://")]:
    raise ImproperlyConfigured(f"Elasticsearch URLs must use https:// off loopback: {', '.join(_remote_clusters)}")

# --- Secrets: SSM SecureString parameters `/bookstore/{stage}/NAME`, never the environment ---
_secrets = secrets_load(
    prefix=_names["SECRETS_SSM_PREFIX"],
    names=["DJANGO_SECRET_KEY", "JWT_SIGNING_KEY", *(["ELASTICSEARCH_API_KEY"] if _remote_clusters else [])],
    optional=() if _remote_clusters else ("ELASTICSEARCH_API_KEY",),
    region=AWS_REGION,
)
SECRET_KEY = _secrets["DJANGO_SECRET_KEY"]
SIMPLE_JWT = {**SIMPLE_JWT, "SIGNING_KEY": _secrets["JWT_SIGNING_KEY"]}
# One key for every cluster of the stage (ELASTICSEARCH_URL and the ELASTICSEARCH_URLS map).
ELASTICSEARCH_API_KEY = _secrets.get("ELASTICSEARCH_API_KEY")

# --- Hosts: the stage's domain, its API Gateway host, extra hosts; never `*` ----------------
BOOKSTORE_DOMAIN = env("BOOKSTORE_DOMAIN")
if not BOOKSTORE_DOMAIN:
    raise ImproperlyConfigured("BOOKSTORE_DOMAIN (the stage's API domain, e.g. api.example.com) must be set.")
# API Gateway's own host, `{api_id}.execute-api.{region}.amazonaws.com`, so a fresh stage answers before a
# domain is bound. The API id exists only after the first deploy, so the pattern takes any id of the
# region: API Gateway routes a request by its Host, so one naming another API's id never reaches us.
EXECUTE_API_HOSTS = f".execute-api.{AWS_REGION}.amazonaws.com"
ALLOWED_HOSTS = [
    BOOKSTORE_DOMAIN,
    EXECUTE_API_HOSTS,
    *(h.strip() for h in env("DJANGO_ALLOWED_HOSTS").split(",") if h.strip()),
]
if "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the stage's hosts; `*` is refused.")
# A leading dot (any subdomain) in ALLOWED_HOSTS is written `*.` in a trusted origin.
CSRF_TRUSTED_ORIGINS = [f"https://{'*' if host.startswith('.') else ''}{host}" for host in ALLOWED_HOSTS]

# --- Webhooks: https only, never a loopback receiver (webhooks/addresses.py) ---------------
WEBHOOKS_REQUIRE_HTTPS = True
if WEBHOOKS_ALLOW_LOOPBACK:  # noqa: F405
    raise ImproperlyConfigured("WEBHOOKS_ALLOW_LOOPBACK is for local use and tests; a stage refuses to start with it.")

# --- Emails: Amazon SES through django-ses, as the function's role (emails/backends.py) -------
EMAIL_BACKEND = env("EMAIL_BACKEND", "emails.backends.SESEmailBackend")

# --- HTTPS ------------------------------------------------------------------------------
# API Gateway listens on HTTPS only and Zappa marks every request secure, so a redirect could
# never fire behind it; turn it on for a front that also accepts plain HTTP.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading binds every subdomain of the registrable domain for months: the domain's owner decides.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SILENCED_SYSTEM_CHECKS = [
    *(["security.W008"] if not SECURE_SSL_REDIRECT else []),  # HTTPS is enforced in front (above)
    *(["security.W021"] if not SECURE_HSTS_PRELOAD else []),  # a choice of the domain's owner (above)
]

# --- Logs: one JSON object per line (CloudWatch Logs Insights); the metrics' EMF lines unchanged -----
LOGGING = {
    **LOGGING,  # noqa: F405
    "formatters": {**LOGGING["formatters"], "json": {"()": "bookstore.logs.JsonFormatter"}},  # noqa: F405
    "handlers": {**LOGGING["handlers"], "console": {"class": "logging.StreamHandler", "formatter": "json"}},  # noqa: F405
}

# The data lake: the stage's S3 bucket, through django-storages; a batch replay overwrites its own file.
STORAGES = {
    **STORAGES,  # noqa: F405
    "analytics": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _names["ANALYTICS_BUCKET"],
            "region_name": AWS_REGION,
            # botocore's default chain, as for every client (bookstore/aws.py): django-storages would
            # otherwise pair the AWS_ACCESS_KEY_ID setting (None) with the environment's session token.
            "access_key": None,
            "secret_key": None,
            "security_token": None,
            "file_overwrite": True,
            "default_acl": None,
        },
    },
}
