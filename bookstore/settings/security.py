"""Security: the secret key, allowed hosts, browser origins (CORS), password hashing and rules, the pages' CSP."""

from corsheaders.defaults import default_headers

from .env import env

SECRET_KEY = env("DJANGO_SECRET_KEY", "insecure-local-key-change-me-in-every-deployed-stage")
ALLOWED_HOSTS = [h for h in env("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.BCryptSHA256PasswordHasher"]
# Every path that sets a password runs these with the user (accounts/services.py: user_create,
# password_change), so the similarity check sees the email and the names.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "accounts.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "first_name", "last_name")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "accounts.password_validation.NotOnlyWhitespaceValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Browser origins allowed to call the API (django-cors-headers); none unless a stage names them.
CORS_ALLOWED_ORIGINS = [o.strip() for o in env("CORS_ALLOWED_ORIGINS").split(",") if o.strip()]
# The API's own request headers, and the one response header a front end must read (on a 429).
CORS_ALLOW_HEADERS = (*default_headers, "x-tenant-id", "idempotency-key")
CORS_EXPOSE_HEADERS = ["Retry-After"]

# The Content-Security-Policy of every HTML page (bookstore.middleware.ContentSecurityPolicyMiddleware):
# scripts, styles, images, fonts, workers and requests from the app's own origin only, and no inline
# script, style element or style attribute: the pages keep theirs in static files. Two inline styles
# are allowed by their hash, both Redoc's (drf-spectacular-sidecar's bundle): the empty <style> its
# styled-components fill through the CSSOM, and the scrollbar stylesheet it inserts. A new sidecar
# that changes the second is caught by e2e/test_browser.py, where chromium names the new hash.
# `data:` images are the icons Swagger UI's stylesheet embeds; `blob:` workers are Redoc's search
# index, built by its own script.
REDOC_STYLE_HASHES = (
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",  # the empty string
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",  # perfect-scrollbar's rules
)
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        " ".join(["style-src 'self'", *REDOC_STYLE_HASHES]),
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
