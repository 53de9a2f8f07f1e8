"""Request-level guards around every view: the error shape under /api/, the body size cap, the pages' CSP."""

from django.conf import settings
from django.core.exceptions import DisallowedHost, RequestDataTooBig
from django.http import JsonResponse
from rest_framework.response import Response

from bookstore.errors import ApplicationError, code_for_status, error_body, request_refusal

API_PREFIX = "/api/"
# Pages for people under /api/ (the browser login and logout, the tenant picker, Swagger UI, Redoc):
# their errors stay pages too.
HTML_PAGE_PREFIXES = ("/api/auth/", "/api/docs/", "/api/redoc/")
# Headers of a refusal that describe its old body, not the error shape that replaces it.
_BODY_HEADERS = frozenset({"content-type", "content-length"})


def answers_in_error_shape(path: str) -> bool:
    """Whether an error at `path` (the request's path_info) is JSON in the error shape."""
    return path.startswith(API_PREFIX) and not path.startswith(HTML_PAGE_PREFIXES)


def error_response(error: ApplicationError) -> JsonResponse:
    response = JsonResponse(error_body(error.code.value, error.message, error.details), status=error.code.http_status)
    for header, value in error.headers.items():
        response[header] = value
    return response


class ApiErrorMiddleware:
    """Every error under /api/ in the one error shape, whatever layer refused the request; the outermost guard.

    Views answer in it through the exception handler (`bookstore.errors`). What refuses a
    request outside a view answers with a page instead: an unknown route, a method no view
    takes, Django's own 400s and 500s, and with DEBUG on its technical pages. This guard
    checks the Host header first (Django's check, answered as `disallowed_host`), then
    replaces the body of any such refusal with the error shape of its status, keeping the
    status, headers and cookies. DRF's responses are left alone: the browsable API shows its
    errors as a page to a browser and as JSON to every other client.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not answers_in_error_shape(request.path_info):
            return self.get_response(request)
        try:
            request.get_host()
        except DisallowedHost as exc:
            return error_response(request_refusal(exc))
        response = self.get_response(request)
        if response.status_code < 400 or isinstance(response, Response):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        return _in_error_shape(response)


def _in_error_shape(response):
    """The refusal `response` with the error shape of its status as its body."""
    code = code_for_status(response.status_code)
    shaped = JsonResponse(error_body(code.value, code.message), status=response.status_code)
    for header, value in response.items():
        if header.lower() not in _BODY_HEADERS:
            shaped[header] = value
    shaped.cookies = response.cookies
    return shaped


class RequestBodyLimitMiddleware:
    """Answer 413 in the one error shape when the declared body exceeds DATA_UPLOAD_MAX_MEMORY_SIZE.

    DRF's parsers read the body as a stream, which Django's own cap does not cover, so the
    declared length is checked here before anything reads it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            return error_response(request_refusal(RequestDataTooBig()))
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Send CONTENT_SECURITY_POLICY with every HTML page: the browsable API, the docs, the login, the dashboard.

    A JSON body is not a document a browser runs, so it goes without.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response
