"""The request as API Gateway describes it: the client address it vouches for, the request id, the request log.

`SourceIpMiddleware` makes REMOTE_ADDR the source address in API Gateway's request context.
Zappa derives REMOTE_ADDR from X-Forwarded-For, whose leading entries the client writes, and
on a regional endpoint the entry it picks can be one of them. Every limit keyed on the
client address then reads REMOTE_ADDR and nothing else. Outside Lambda (no event in the
WSGI environ) it changes nothing: runserver's REMOTE_ADDR is the socket's peer.

`RequestLogMiddleware` logs one line per request: the request id (API Gateway's, else the
Lambda invocation's), tenant, user, method, path, route, status and latency, and what the
request consumed (bookstore/usage.py): DynamoDB read and write units (`read_units`,
`write_units`) and the search engine's time (`search_ms`, `search_calls`), the fields the
cost-per-tenant query sums. Never headers, bodies or query strings. It also emits the
`Requests` metric by route and status class (bookstore/metrics.py). The tenant is the one
the view resolved: `note_request_tenant` keeps it in the request's WSGI environ (`META`,
which DRF's Request shares with Django's), under a namespaced key as WSGI intends for server
and middleware data, so no private attribute is set.
"""

import logging
import time

from django.conf import settings

from bookstore import metrics
from bookstore.usage import usage_measured

request_logger = logging.getLogger("bookstore.request")

TENANT_ENVIRON_KEY = "bookstore.tenant_id"


def note_request_tenant(request, tenant_id: str) -> None:
    """Remember the tenant a view resolved for this request, for the request log."""
    request.META[TENANT_ENVIRON_KEY] = tenant_id


def noted_request_tenant(request) -> str | None:
    """The tenant a view resolved for this request, if one did."""
    return request.META.get(TENANT_ENVIRON_KEY)


def lambda_event(request) -> dict:
    """The API Gateway event Zappa served this request from (empty outside Lambda)."""
    event = request.META.get("lambda.event")
    return event if isinstance(event, dict) else {}


def api_gateway_source_ip(event: dict) -> str | None:
    """The caller's address as API Gateway saw it: REST APIs (v1) and HTTP APIs (v2)."""
    context = event.get("requestContext") or {}
    source = (context.get("http") or {}).get("sourceIp") or (context.get("identity") or {}).get("sourceIp")
    return source if isinstance(source, str) and 0 < len(source) <= 45 else None  # 45: longest IPv6 text


def request_id(request) -> str | None:
    """API Gateway's request id when there is one, else the Lambda invocation's, else None (local)."""
    found = (lambda_event(request).get("requestContext") or {}).get("requestId")
    if found:
        return found
    context = request.META.get("lambda.context")
    return getattr(context, "aws_request_id", None)


class SourceIpMiddleware:
    """REMOTE_ADDR := API Gateway's `requestContext` source IP, when the request came through it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = api_gateway_source_ip(lambda_event(request))
        if source:
            request.META["REMOTE_ADDR"] = source
        return self.get_response(request)


class RequestLogMiddleware:
    """One structured log line per request (see the module docstring for the fields)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        with usage_measured() as usage:
            response = self.get_response(request)
        user = getattr(request, "user", None)
        tenant = noted_request_tenant(request) or getattr(user, "tenant_id", None)
        route = request_route(request)
        request_logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "request_id": request_id(request),
                "tenant": tenant,
                "user": getattr(user, "id", None) if getattr(user, "is_authenticated", False) else None,
                "method": request.method,
                "path": request.path,
                "route": route,
                "status": response.status_code,
                "latency_ms": round((time.perf_counter() - started) * 1000, 1),
                "read_units": usage.read_units,
                "write_units": usage.write_units,
                "search_ms": usage.search_ms,
                "search_calls": usage.search_calls,
            },
        )
        metrics.emit(
            metrics.REQUESTS,
            dimensions={"Route": route, "StatusClass": f"{response.status_code // 100}xx"},
            tenant=tenant,
            request_id=request_id(request),
        )
        return response


def request_route(request) -> str:
    """The URL pattern that served the request (`api/v1/books/<str:book_id>`), `static` or `unmatched`: few values."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.route or match.view_name
    # WhiteNoise answers the static files before any URL pattern is tried.
    return "static" if request.path_info.lstrip("/").startswith(settings.STATIC_URL.lstrip("/")) else "unmatched"
