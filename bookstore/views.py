"""Project-level endpoints: the API root, the health check, the tenant picker and the OpenAPI schema."""

import re

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.csrf import csrf_protect
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from bookstore.api import TOKEN_ERROR_CODES, BookstoreAPIView, PublicAPIView
from bookstore.health import service_states
from bookstore.languages import mark_in_a_language
from bookstore.tenants import normalize_tenant_id, tenant_is_active

# How the API root names a group, from the first segment of its paths (others keep the segment).
ROOT_GROUPS = {
    "users": "accounts",
    "books": "catalog",
    "schema": "documentation",
    "docs": "documentation",
    "redoc": "documentation",
    "auth": "browser",
}
_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
TENANT_COOKIE_MAX_AGE = 365 * 24 * 3600


def _named_routes(patterns, prefix: str = "", namespace: str = ""):
    """(URL name, route with `{param}` placeholders) of every named path in the URL conf."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_routes(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name and isinstance(entry.pattern, RoutePattern):
            yield f"{namespace}{entry.name}", _CONVERTER.sub(r"{\1}", prefix + str(entry.pattern))


def _group(route: str) -> str:
    head = route.removeprefix("api/v1/").removeprefix("api/").split("/", 1)[0]
    return ROOT_GROUPS.get(head, head) or "root"


def api_index(request) -> dict[str, dict[str, str]]:
    """Every named URL of the project, grouped, as absolute URLs (`{param}` where the path takes one)."""
    groups: dict[str, dict[str, str]] = {}
    base = request.build_absolute_uri("/")  # routes are appended as they are: `{book_id}` stays readable
    for name, route in _named_routes(get_resolver().url_patterns):
        groups.setdefault(_group(route), {})[name] = base + route
    return groups


class ApiRootView(BookstoreAPIView):
    """The API root: links to every endpoint, grouped (DRF's DefaultRouter convention)."""

    permission_classes = [AllowAny]
    error_codes = TOKEN_ERROR_CODES  # it reads credentials, to show the browsable API's caller

    @extend_schema(operation_id="api_root", responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return Response(api_index(request))


class HealthView(PublicAPIView):
    """Answers 200 while the app can serve requests, with the state of each backing service it probes.

    It touches no table, so it stays cheap; a service that is down shows as "unavailable"
    in `services` without failing the check, because the rest of the API still serves.
    """

    @extend_schema(
        responses={
            200: inline_serializer(
                "HealthOutput",
                {
                    "status": serializers.CharField(),
                    "services": serializers.DictField(child=serializers.ChoiceField(choices=["ok", "unavailable"])),
                },
            )
        }
    )
    def get(self, request):
        return Response({"status": "ok", "services": service_states()})


@method_decorator(csrf_protect, name="dispatch")
class TenantPickView(View):
    """The browsable API's shop picker: remembers an active tenant in a cookie, then goes back.

    The cookie is only the default tenant of anonymous requests (`bookstore.tenancy`); an
    empty choice forgets it.
    """

    def post(self, request):
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = "/api/v1/"
        response = HttpResponseRedirect(next_url)
        tenant_id = normalize_tenant_id(request.POST.get("tenant_id", ""))
        if not tenant_id:
            response.delete_cookie(settings.TENANT_COOKIE_NAME)
        elif tenant_is_active(tenant_id=tenant_id):
            response.set_cookie(
                settings.TENANT_COOKIE_NAME,
                tenant_id,
                max_age=TENANT_COOKIE_MAX_AGE,
                httponly=True,
                secure=settings.JWT_COOKIE_SECURE,
                samesite="Lax",
            )
        return response


class BookstoreSchemaView(SpectacularAPIView):
    """The OpenAPI schema, whose error messages are in the request's language (or `?lang=`): its headers say so."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        mark_in_a_language(response)
        return response
