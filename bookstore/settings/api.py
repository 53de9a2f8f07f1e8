"""The REST API: DRF's classes, the OpenAPI schema, how a request finds its tenant, and public caching."""

from .env import env_int

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
        {"name": "reviews", "description": "Readers' reviews and helpful votes, and the admins' moderation."},
        {"name": "analytics", "description": "The tenant admins' sales reports, from the data lake."},
        {"name": "admin", "description": "The tenant admins' view of every purchase."},
        {"name": "project", "description": "The API root and the health check."},
    ],
    # Two choice sets share the field name `language`: a book's (ISO 639-1) and the messages' (LANGUAGES).
    "ENUM_NAME_OVERRIDES": {
        "BookLanguageEnum": "bookstore.iso_codes.LANGUAGES",
        "MessageLanguageEnum": "bookstore.settings.languages.LANGUAGES",
        "WebhookDeliveryStatusEnum": "webhooks.models.DELIVERY_STATUSES",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# The browsable API: an anonymous visitor's chosen shop is kept in this cookie and used as the
# default X-Tenant-ID; a token's tenant always wins over it.
TENANT_COOKIE_NAME = "bookstore_tenant"
# Tenants are looked up on every request; a short in-process cache spares a GetItem each time.
TENANT_CACHE_SECONDS = env_int("TENANT_CACHE_SECONDS", 30)

# Anonymous catalogue reads are public: how long a CDN or browser may serve a copy (seconds),
# and how long after that it may serve the stale copy while it revalidates with the ETag.
PUBLIC_CACHE_MAX_AGE = env_int("PUBLIC_CACHE_MAX_AGE", 30)
PUBLIC_CACHE_STALE_WHILE_REVALIDATE = env_int("PUBLIC_CACHE_STALE_WHILE_REVALIDATE", 60)
