"""HTTP caching of tenant reads: an ETag on every successful read, and who may keep a copy.

`TenantAPIView` calls `add_cache_headers` for GET and HEAD. Once the body is rendered, the
response gets a strong ETag (a hash of the body) and a matching `If-None-Match` turns it
into a 304 with no body. The Cache-Control header says who may keep it:

- an anonymous JSON 200 that names its tenant in the `X-Tenant-ID` header or the
  `tenant_id` query parameter is public (`max-age` and `stale-while-revalidate` from
  settings), so a CDN or API Gateway's cache in front of a stage can serve a sale day's
  page views. A tenant taken from the browsable API's picker cookie is not enough: a cache
  that keys on the URL and the tenant header alone would hand that page to another shop;
- anything read with credentials (an admin also sees inactive books), and any HTML page of
  the browsable API (it carries a CSRF token), is `private, no-cache`: only the caller's own
  browser keeps it, and revalidates it with the ETag;
- anything other than a 200 is `no-store`, so an error is never cached.

A view that declares `personal_data` (tokens, a profile, a cart, purchases: the caller's own
data, and customers' data that admins read) is `private, no-store` on every response, any
method, with no ETag: no cache, not even the caller's browser, keeps a copy
(`mark_no_store`, from `BookstoreAPIView`).

`Vary` names what selects the response besides the URL: the tenant header, the credentials
and the content type. Not the language: a JSON read is data, the same in every language, so
one cached copy (and one ETag) serves both. A body written in a language (an HTML page)
differs by language, and so does its ETag, the hash of that body; `bookstore.languages` adds
`Accept-Language` to its Vary.
"""

from functools import partial

from django.conf import settings
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers, set_response_etag
from rest_framework.response import Response

from bookstore.tenancy import TENANT_HEADER

SAFE_METHODS = ("GET", "HEAD")
VARY_ON = ("Accept", "X-Tenant-ID", "Authorization", "Cookie")


def _is_anonymous(request) -> bool:
    user = request.user
    return user is None or not getattr(user, "is_authenticated", False)


def _names_tenant(request) -> bool:
    """Whether the tenant is in what a cache keys on (the tenant header or the URL), not in a cookie."""
    return bool(request.META.get(TENANT_HEADER) or request.query_params.get("tenant_id"))


def _validate(request, response: Response, *, public: bool):
    """Post-render: set ETag and Cache-Control; a 304 replaces the response when the ETag matches."""
    patch_vary_headers(response, VARY_ON)
    if response.status_code != 200:
        patch_cache_control(response, no_store=True)
        return None
    set_response_etag(response)
    if public:
        patch_cache_control(
            response,
            public=True,
            max_age=settings.PUBLIC_CACHE_MAX_AGE,
            stale_while_revalidate=settings.PUBLIC_CACHE_STALE_WHILE_REVALIDATE,
        )
    else:
        patch_cache_control(response, private=True, no_cache=True)
    return get_conditional_response(request, etag=response.get("ETag"), response=response)


def add_cache_headers(request, response) -> None:
    """Arrange for a read's ETag, Cache-Control and Vary once `response` is rendered (GET and HEAD only)."""
    if request.method not in SAFE_METHODS or not isinstance(response, Response):
        return
    # Only a 200 looks at the caller: a failed authentication must not be retried here.
    public = (
        response.status_code == 200
        and _is_anonymous(request)
        and _names_tenant(request)
        and getattr(getattr(request, "accepted_renderer", None), "format", None) == "json"
    )
    response.add_post_render_callback(partial(_validate, request, public=public))


def mark_no_store(response) -> None:
    """Nothing may keep a copy: for responses that carry tokens or personal data."""
    patch_cache_control(response, private=True, no_store=True)
