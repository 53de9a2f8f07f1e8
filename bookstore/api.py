"""The base views every endpoint builds on, and the one way a list becomes a response.

Pick the narrowest base that fits: `PublicAPIView` reads no credentials (register, login);
`TenantAPIView` resolves `self.tenant_id` for public reads within a tenant;
`UserAPIView` is about the caller's own data (`self.user_scope`); `AdminAPIView` is for
the tenant's staff. A handler validates its input with
`serializer = X(data=...)` then `serializer.is_valid(raise_exception=True)`, calls one
service or selector, and serializes the result.

Views also declare, for the browsable API, what their forms are made of (they never change
the OpenAPI schema, which `extend_schema` describes): `input_serializer` (one class, or one
per method) gives each write method its HTML form; `filter_serializer` gives a list its
filter form; `idempotent_form` makes the POST form carry a fresh Idempotency-Key.
"""

from django.conf import settings
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from bookstore.caching import add_cache_headers
from bookstore.pagination import Page
from bookstore.permissions import IsTenantAdmin
from bookstore.ratelimit import client_address, tenant_rate_limit_hit
from bookstore.serializers import InputSerializer
from bookstore.tenancy import resolve_tenant
from bookstore.tenants import tenant_status

# A browser form cannot send headers: the browsable API's forms carry these as hidden fields.
FORM_HEADER_FIELDS = {"_idempotency_key": "HTTP_IDEMPOTENCY_KEY"}
FORM_MEDIA_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class BookstoreAPIView(APIView):
    """What every endpoint shares: the browsable API's forms, built from the declared serializers."""

    input_serializer: type[Serializer] | dict[str, type[Serializer]] | None = None
    filter_serializer: type[Serializer] | None = None
    idempotent_form = False

    def input_serializer_class(self, method: str) -> type[Serializer] | None:
        """The serializer that validates a `method` request's body, as declared on the view."""
        if isinstance(self.input_serializer, dict):
            return self.input_serializer.get(method)
        return self.input_serializer

    def get_serializer(self, *args, **kwargs) -> Serializer:
        """DRF's hook for the browsable API: the form of the current method (no fields if it takes no body).

        A field named in the query string starts with that value, so a link can open a
        prefilled form (`cart/add?book_id=...`).
        """
        serializer_class = self.input_serializer_class(self.request.method) or Serializer
        serializer = serializer_class(*args, **kwargs)
        if "data" not in kwargs and kwargs.get("instance") is None:
            for name, field in serializer.fields.items():
                if name in self.request.query_params and not field.read_only:
                    field.initial = self.request.query_params[name]
        return serializer

    def initial(self, request, *args, **kwargs):
        self._headers_from_form(request)
        super().initial(request, *args, **kwargs)

    def _headers_from_form(self, request) -> None:
        """A header the browsable API's form sent as a hidden field; a real header always wins."""
        if not self.idempotent_form or not (request.content_type or "").startswith(FORM_MEDIA_TYPES):
            return
        for field, meta_key in FORM_HEADER_FIELDS.items():
            value = request.data.get(field)
            if value and meta_key not in request.META:
                request.META[meta_key] = value
                request._request.__dict__.pop("headers", None)  # HttpRequest.headers is cached from META


class PublicAPIView(BookstoreAPIView):
    """An endpoint that reads no credentials (a stale browser cookie must not get in the way)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]


class TenantAPIView(BookstoreAPIView):
    """An endpoint within one tenant: handlers rely on `self.tenant_id`, resolved after authentication.

    Its reads carry an ETag and answer a matching If-None-Match with 304; an anonymous read
    is publicly cacheable, one made with credentials is private (`bookstore.caching`).
    A write that declares no input serializer (a cancel, a favourite) takes no body: one
    sent anyway is validated as a body with no fields, so a stray field is a 400.
    """

    permission_classes = [AllowAny]
    tenant_id: str

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.tenant_id = resolve_tenant(request)
        request._request.bookstore_tenant_id = self.tenant_id  # for the request log
        if request.method in ("POST", "PUT", "PATCH") and self.input_serializer_class(request.method) is None:
            InputSerializer(data=request.data).is_valid(raise_exception=True)
        self.check_tenant_rate_limit(request)

    def check_tenant_rate_limit(self, request) -> None:
        """The tenant's plan limit, per user (or per client address when anonymous); 429 when over it.

        Runs last in `initial`, so a request refused by authentication, permissions or tenancy
        costs no write. The plan comes with the (cached) tenant lookup `resolve_tenant` made.
        """
        if not settings.TENANT_RATE_LIMITS_ENABLED:
            return
        user = request.user
        subject = f"user:{user.id}" if getattr(user, "is_authenticated", False) else f"ip:{client_address(request)}"
        wait = tenant_rate_limit_hit(
            tenant_id=self.tenant_id, plan=tenant_status(tenant_id=self.tenant_id).plan, subject=subject
        )
        if wait is not None:
            raise Throttled(wait=wait)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        add_cache_headers(request, response)
        return response

    def caller_is_admin(self) -> bool:
        """Whether the caller is an admin of this tenant (who may see more, e.g. inactive books)."""
        return IsTenantAdmin().has_permission(self.request, self)


class UserAPIView(TenantAPIView):
    """An endpoint about the caller's own data: authenticated, scoped to the token's user."""

    permission_classes = [IsAuthenticated]

    @property
    def user_scope(self) -> dict[str, str]:
        """The keyword arguments that scope a service or selector to the caller."""
        return {"tenant_id": self.tenant_id, "user_id": self.request.user.id}


class AdminAPIView(TenantAPIView):
    """An endpoint for the tenant's admins only."""

    permission_classes = [IsTenantAdmin]


def page_response(page: Page, serializer_class: type[Serializer]) -> Response:
    """`{"results": [...], "next": cursor-or-null}`: the body of every list."""
    return Response({"results": serializer_class(page.items, many=True).data, "next": page.next_cursor})
