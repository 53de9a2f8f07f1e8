"""Settings shared by every environment: Django itself, then each concern's module.

There is no relational database: data lives in DynamoDB through PynamoDB models. A concern
keeps its settings in a module of its own, imported at the end: aws (region, endpoints,
credentials), emails (backend, sender, send records), security (secret key, hosts, CORS,
passwords), jwt, api (DRF, OpenAPI, tenant lookup, public caching), languages (the two the
API speaks, its catalogues), limits (rate limits, throttles, cart and order rules), streams,
search, analytics and logs. Each value can be overridden from the environment.

base knows no stage: local, test and production each set STAGE and then the names derived
from it (stage.py), so no name is derived before the stage is known.
"""

from pathlib import Path

from .env import env, env_bool

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = env_bool("DJANGO_DEBUG")

INSTALLED_APPS = [
    # auth and contenttypes hold no tables here: simplejwt and DRF import their classes.
    "django.contrib.auth",
    "django.contrib.contenttypes",
    # Before staticfiles: runserver leaves static files to WhiteNoise, as on a stage.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc as static files: the docs need no CDN
    "bookstore",
    "accounts",
    "catalog",
    "orders",
    "reviews",
    "recommendations",
    "analytics",
    "emails",
    "webhooks",
    "streams",
    "outbound",
]

MIDDLEWARE = [
    # Outermost: one log line and one Requests metric per request, with the whole latency and final status.
    "bookstore.request_context.RequestLogMiddleware",
    # Before every layer that writes a message, so each (the error shape's too) writes it in the request's language.
    "bookstore.languages.LanguageMiddleware",
    # Next: it sees every refusal of an /api/ request, whichever layer made it.
    "bookstore.middleware.ApiErrorMiddleware",
    # Every HTML page, whichever layer drew it, gets the Content-Security-Policy.
    "bookstore.middleware.ContentSecurityPolicyMiddleware",
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

TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "static/"
# WhiteNoise serves the apps' static folders directly (the browsable API's, the sidecar's Swagger UI
# and Redoc): no collectstatic step, so no STATIC_ROOT.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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

# --- Each concern's settings, one module each -------------------------------------------
from .analytics import *  # noqa: E402, F403
from .api import *  # noqa: E402, F403
from .aws import *  # noqa: E402, F403
from .emails import *  # noqa: E402, F403
from .jwt import *  # noqa: E402, F403
from .languages import *  # noqa: E402, F403
from .limits import *  # noqa: E402, F403
from .logs import *  # noqa: E402, F403
from .outbound import *  # noqa: E402, F403
from .search import *  # noqa: E402, F403
from .security import *  # noqa: E402, F403
from .streams import *  # noqa: E402, F403
from .webhooks import *  # noqa: E402, F403
