"""Settings shared by every environment; each value can be overridden from the environment.

There is no relational database: data lives in DynamoDB through PynamoDB models, whose
endpoint, region, credentials and table-name prefix are read from here.
"""

import json
import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from corsheaders.defaults import default_headers
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, str(default)).lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(env(name, str(default)))


SECRET_KEY = env("DJANGO_SECRET_KEY", "insecure-local-key-change-me-in-every-deployed-stage")
DEBUG = env_bool("DJANGO_DEBUG")
ALLOWED_HOSTS = [h for h in env("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

STAGE = env("BOOKSTORE_STAGE", "dev")

INSTALLED_APPS = [
    # auth and contenttypes hold no tables here: simplejwt and DRF import their classes.
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc as static files: the docs need no CDN
    "bookstore",
    "accounts",
    "catalog",
    "orders",
    "recommendations",
    "analytics",
    "streams",
]

MIDDLEWARE = [
    "bookstore.request_context.SourceIpMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "bookstore.middleware.RequestBodyLimitMiddleware",
    # Static files (the browsable API's and the docs' CSS and JS) come from the app itself, on Lambda too.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "bookstore.urls"
WSGI_APPLICATION = "bookstore.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Our overrides of DRF's templates (rest_framework/api.html) come before the apps' own.
        "DIRS": [BASE_DIR / "bookstore" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csrf",
            ],
        },
    },
]

DATABASES: dict = {}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
# WhiteNoise serves the apps' static folders directly (the browsable API's, the sidecar's Swagger UI
# and Redoc): no collectstatic step, so no STATIC_ROOT.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = ["django.contrib.auth.hashers.BCryptSHA256PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- DynamoDB -------------------------------------------------------------------------
AWS_REGION = env("AWS_REGION", env("AWS_DEFAULT_REGION", "eu-west-1"))
# None means "the real AWS endpoint"; the local and test settings point it at the emulator.
DYNAMODB_ENDPOINT_URL = env("DYNAMODB_ENDPOINT_URL") or None
# None means "the default credential chain" (the Lambda role on AWS).
AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID") or None
AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY") or None
DYNAMODB_TABLE_PREFIX = env("DYNAMODB_TABLE_PREFIX", f"bookstore-{STAGE}-")
DYNAMODB_MAX_RETRY_ATTEMPTS = env_int("DYNAMODB_MAX_RETRY_ATTEMPTS", 3)

# Which key encrypts the tables at rest: aws-owned (default), aws-managed, or a KMS key ARN/alias.
DYNAMODB_SSE = env("DYNAMODB_SSE", "aws-owned")
# Other AWS APIs (SSM, S3, DynamoDB Streams, Lambda, SQS): None means AWS; local and test use the emulator.
AWS_ENDPOINT_URL = env("AWS_ENDPOINT_URL") or None
# The data lake's bucket and the KMS key of its default encryption (none: SSE-S3).
ANALYTICS_BUCKET = env("ANALYTICS_BUCKET", f"bookstore-analytics-{STAGE}")
ANALYTICS_BUCKET_KMS_KEY = env("ANALYTICS_BUCKET_KMS_KEY") or None

# Tenants are looked up on every request; a short in-process cache spares a GetItem each time.
TENANT_CACHE_SECONDS = env_int("TENANT_CACHE_SECONDS", 30)

# Anonymous catalogue reads are public: how long a CDN or browser may serve a copy (seconds),
# and how long after that it may serve the stale copy while it revalidates with the ETag.
PUBLIC_CACHE_MAX_AGE = env_int("PUBLIC_CACHE_MAX_AGE", 30)
PUBLIC_CACHE_STALE_WHILE_REVALIDATE = env_int("PUBLIC_CACHE_STALE_WHILE_REVALIDATE", 60)

# --- REST framework, JWT, OpenAPI ------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "bookstore.authentication.TenantJWTAuthentication",
        "bookstore.authentication.JWTCookieAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "bookstore.browsable.BookstoreBrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "bookstore.openapi.BookstoreAutoSchema",
    "EXCEPTION_HANDLER": "bookstore.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_PARSER_CLASSES": [
        "bookstore.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Proxies in front of the app that append to X-Forwarded-For. 0: the client address is
    # REMOTE_ADDR (on a Zappa stage, API Gateway's source IP), never a client-supplied header.
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("JWT_REFRESH_DAYS", 7)),
    "ROTATE_REFRESH_TOKENS": False,
    "UPDATE_LAST_LOGIN": False,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": env("JWT_SIGNING_KEY") or SECRET_KEY,
    "USER_ID_CLAIM": "user_id",
    "TOKEN_USER_CLASS": "bookstore.authentication.TenantUser",
    # The stock serializer reads the ORM; ours checks the DynamoDB revocation list instead.
    "TOKEN_REFRESH_SERIALIZER": "accounts.serializers.TokenRefreshSerializer",
}

# The browsable API keeps the access token in this HttpOnly cookie after a browser login, and the
# refresh token in another one that only the logout URL receives (so logout can revoke it).
JWT_COOKIE_NAME = "bookstore_access"
JWT_REFRESH_COOKIE_NAME = "bookstore_refresh"
JWT_COOKIE_SECURE = env_bool("JWT_COOKIE_SECURE", True)

SPECTACULAR_SETTINGS = {
    "TITLE": "Bookstore API",
    "DESCRIPTION": (
        "Multi-tenant online bookstore: accounts, catalogue and search, cart, checkout, purchases and analytics.\n\n"
        "Each operation lists the error codes it can answer with; every error has the body "
        '`{"error": {"code", "message", "details"}}`. The guides, in the repository:\n\n'
        "- `docs/README.md`: where to start\n"
        "- `docs/api/errors.md`: the error shape and every code\n"
        "- `docs/api/tenancy-and-auth.md`: naming the tenant, tokens, roles\n"
        "- `docs/api/pagination-and-caching.md`: cursors, ETags and cache headers"
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI's sections, in this order; bookstore/openapi.py (TAGS_BY_PATH) puts each operation in one.
    "TAGS": [
        {"name": "accounts", "description": "Register, log in, tokens, the profile, favourites and the wishlist."},
        {"name": "catalogue", "description": "Books, categories, authors, best-sellers and recommendations."},
        {"name": "search", "description": "Full-text search and autocomplete (the search engine)."},
        {"name": "cart", "description": "The caller's cart, priced from current prices."},
        {"name": "purchases", "description": "Checkout, the caller's purchases and their summary."},
        {"name": "analytics", "description": "The tenant admins' sales reports, from the data lake."},
        {"name": "admin", "description": "The tenant admins' view of every purchase."},
        {"name": "project", "description": "The API root and the health check."},
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# The browsable API: an anonymous visitor's chosen shop is kept in this cookie and used as the
# default X-Tenant-ID; a token's tenant always wins over it.
TENANT_COOKIE_NAME = "bookstore_tenant"

# Browser origins allowed to call the API (django-cors-headers); none unless a stage names them.
CORS_ALLOWED_ORIGINS = [o.strip() for o in env("CORS_ALLOWED_ORIGINS").split(",") if o.strip()]
# The API's own request headers, and the one response header a front end must read (on a 429).
CORS_ALLOW_HEADERS = (*default_headers, "x-tenant-id", "idempotency-key")
CORS_EXPOSE_HEADERS = ["Retry-After"]

# Per-tenant rate limits: each plan allows `rate` requests per second with bursts up to `burst`,
# per (tenant, user) or, anonymously, per (tenant, client address). See bookstore/ratelimit.py.
TENANT_RATE_LIMITS_ENABLED = env_bool("TENANT_RATE_LIMITS_ENABLED", True)
TENANT_PLANS = {
    "basic": {"rate": env_int("PLAN_BASIC_RATE", 50), "burst": env_int("PLAN_BASIC_BURST", 100)},
    "standard": {"rate": env_int("PLAN_STANDARD_RATE", 100), "burst": env_int("PLAN_STANDARD_BURST", 200)},
    "premium": {"rate": env_int("PLAN_PREMIUM_RATE", 300), "burst": env_int("PLAN_PREMIUM_BURST", 300)},
}
DEFAULT_TENANT_PLAN = "standard"

# Login throttling: (attempts, window seconds), counted in DynamoDB so it holds across containers.
LOGIN_THROTTLE_PER_ACCOUNT = (env_int("LOGIN_THROTTLE_ACCOUNT_ATTEMPTS", 10), env_int("LOGIN_THROTTLE_WINDOW", 300))
LOGIN_THROTTLE_PER_IP = (env_int("LOGIN_THROTTLE_IP_ATTEMPTS", 100), env_int("LOGIN_THROTTLE_WINDOW", 300))
# Registrations and token refreshes per client address: (requests, window seconds).
REGISTER_THROTTLE_PER_IP = (env_int("REGISTER_THROTTLE_IP_ATTEMPTS", 20), env_int("REGISTER_THROTTLE_WINDOW", 3600))
REFRESH_THROTTLE_PER_IP = (env_int("REFRESH_THROTTLE_IP_ATTEMPTS", 120), env_int("REFRESH_THROTTLE_WINDOW", 300))

# The largest request body accepted (bytes); anything bigger is 413 before it is parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 64 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "botocore": {"level": "WARNING"},
        "pynamodb": {"level": "WARNING"},
        "elastic_transport": {"level": "WARNING"},  # one line per engine call otherwise
    },
}

# A cart holds at most this many distinct books, so that checkout (three actions per line at
# most: stock, cart line, category tally; plus purchase, idempotency record and total tally)
# fits in one TransactWriteItems of at most 100 actions.
CART_MAX_LINES = min(env_int("CART_MAX_LINES", 32), 32)
# The largest order total a cart may reach; a line that would pass it is refused with 400.
MAX_ORDER_TOTAL = Decimal(env("MAX_ORDER_TOTAL", "999999999.99"))
# Unpaid (transfer, cash on delivery) orders: how many one user may hold, and when they expire.
MAX_PENDING_ORDERS_PER_USER = env_int("MAX_PENDING_ORDERS_PER_USER", 3)
PENDING_ORDER_HOURS = env_int("PENDING_ORDER_HOURS", 48)
# How long after checkout a customer may still cancel a paid order (a refund is then due).
CANCEL_WINDOW_MINUTES = env_int("CANCEL_WINDOW_MINUTES", 30)
# How long a checkout's Idempotency-Key is remembered.
IDEMPOTENCY_TTL_HOURS = env_int("IDEMPOTENCY_TTL_HOURS", 24)

# --- Streams ---------------------------------------------------------------------------
# Records per handler call, on Lambda (the event source mapping) and in the local poller.
STREAMS_BATCH_SIZE = env_int("STREAMS_BATCH_SIZE", 100)
STREAMS_BATCHING_WINDOW_SECONDS = env_int("STREAMS_BATCHING_WINDOW_SECONDS", 1)
# A record that failed this many times is parked (poller) or sent to the failure queue (Lambda).
STREAMS_MAX_ATTEMPTS = env_int("STREAMS_MAX_ATTEMPTS", 5)
STREAMS_RETRY_BACKOFF_SECONDS = float(env("STREAMS_RETRY_BACKOFF_SECONDS", "0.5"))
STREAMS_MAX_BACKOFF_SECONDS = float(env("STREAMS_MAX_BACKOFF_SECONDS", "30"))
STREAMS_POLL_INTERVAL_SECONDS = float(env("STREAMS_POLL_INTERVAL_SECONDS", "1"))
# The stage's Lambda function (Zappa names it `{project}-{stage}`) and its failure queue.
STREAMS_FUNCTION_NAME = env("STREAMS_FUNCTION_NAME", env("AWS_LAMBDA_FUNCTION_NAME", f"bookstore-{STAGE}"))
STREAMS_FAILURE_QUEUE = env("STREAMS_FAILURE_QUEUE", f"bookstore-{STAGE}-stream-failures")

# Markers that make the sales counters exactly once are kept this long (streams keep records 24 h).
SALES_MARKER_TTL_DAYS = env_int("SALES_MARKER_TTL_DAYS", 7)

# --- Files: the data lake --------------------------------------------------------------
# Local state (snapshots, the data lake folder, the search server's data) lives under this ignored folder.
LOCAL_STATE_DIR = Path(env("LOCAL_STATE_DIR", str(BASE_DIR / ".local")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # The data lake root: `{tenant}/purchases/year=YYYY/month=MM/day=DD/*.parquet`.
    "analytics": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(LOCAL_STATE_DIR / "analytics"), "allow_overwrite": True},
    },
}

# --- Search: Elasticsearch 8 through elasticsearch-dsl (noida-db on loopback locally) ----
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", "http://127.0.0.1:9200")


def _tenant_url_map(raw: str) -> dict[str, str]:
    """`ELASTICSEARCH_URLS`: a JSON object of tenant id (or "*" for the rest) → cluster URL."""
    try:
        urls = json.loads(raw or "{}")
    except ValueError as exc:
        raise ImproperlyConfigured("ELASTICSEARCH_URLS must be a JSON object of tenant id -> URL.") from exc
    if not isinstance(urls, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in urls.items()):
        raise ImproperlyConfigured("ELASTICSEARCH_URLS must be a JSON object of tenant id -> URL.")
    return urls


# Optional per-tenant clusters (the original design ran one per tenant); unlisted tenants use "*",
# then ELASTICSEARCH_URL.
ELASTICSEARCH_URLS = _tenant_url_map(env("ELASTICSEARCH_URLS"))
ELASTICSEARCH_TIMEOUT_SECONDS = env_int("ELASTICSEARCH_TIMEOUT_SECONDS", 5)
# The `refresh` of the stream indexer's bulk writes: "wait_for" makes a change searchable before its
# stream record is acknowledged, without forcing extra refreshes; "false" favours write throughput.
ELASTICSEARCH_INDEX_REFRESH = env("ELASTICSEARCH_INDEX_REFRESH", "wait_for")

# --- Analytics: the data lake, the SQL engine that reads it, and the report cache ------------
# The lake is the Django storage "analytics" (see STORAGES); on AWS, this bucket.
ANALYTICS_BUCKET = env("ANALYTICS_BUCKET", f"bookstore-analytics-{STAGE}")
# Which engine runs the report SQL: Athena on AWS, DuckDB over the same Parquet elsewhere.
ANALYTICS_QUERY_RUNNER = env("ANALYTICS_QUERY_RUNNER", "analytics.runners.athena.AthenaRunner")
ANALYTICS_GLUE_DATABASE = env("ANALYTICS_GLUE_DATABASE", f"bookstore_{STAGE}")
ANALYTICS_ATHENA_WORKGROUP = env("ANALYTICS_ATHENA_WORKGROUP", f"bookstore-{STAGE}")
ANALYTICS_ATHENA_RESULTS_LOCATION = env(
    "ANALYTICS_ATHENA_RESULTS_LOCATION", f"s3://{ANALYTICS_BUCKET}/_athena-results/"
)
# Athena refuses (and bills nothing more for) a query that would scan more than this.
ANALYTICS_ATHENA_BYTES_SCANNED_LIMIT = env_int("ANALYTICS_ATHENA_BYTES_SCANNED_LIMIT", 1024**3)
# API Gateway answers at 29 s, so a report query must give up before that.
ANALYTICS_ATHENA_TIMEOUT_SECONDS = float(env("ANALYTICS_ATHENA_TIMEOUT_SECONDS", "20"))
# Report results are cached per (tenant, report, range) this long; 0 turns the cache off.
ANALYTICS_CACHE_SECONDS = env_int("ANALYTICS_CACHE_SECONDS", 300)
# A report covers at most this many days, and the last this many when no range is given.
ANALYTICS_MAX_RANGE_DAYS = 366
ANALYTICS_DEFAULT_RANGE_DAYS = 30
