"""The base views every endpoint builds on: how a view reads its input, and how a list becomes a response.

Pick the narrowest base that fits: `PublicAPIView` reads no credentials (register, login);
`TenantAPIView` resolves `self.tenant_id` for public reads within a tenant;
`UserAPIView` is about the caller's own data (`self.user_scope`; its responses are never
stored by a cache, `personal_data`); `AdminAPIView` is for the tenant's staff.

A view names each of its serializers once, as a declaration, and a handler reads its input
through the base: `self.validated_body()` validates the body with `input_serializer` (one
class for every method that takes a body, or one per method), `self.validated_query()`
the query string with `query_serializer` (one class for GET, or one per method); either
answers 400 `validation_error` with the fields at fault. The handler then calls one service
or selector and serializes the result.

The same declarations drive the rest: the browsable API draws each write method's HTML form
from `input_serializer` and a GET's filter form from `query_serializer`, and the OpenAPI
schema (`bookstore.openapi`) documents them as the request body and the query parameters.
`error_codes` (one tuple, or one per method) names the codes a view's handlers raise; the
schema adds those its base raises (`access_error_codes`: tenancy, credentials, rate limits, and
the permissions' refusals, `refusal_error_codes`) and lists them all on the operation.
`idempotent_form` makes the POST form carry a fresh Idempotency-Key, which `idempotency_key()`
reads when the header is absent.
"""

from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from bookstore import metrics
from bookstore.caching import add_cache_headers, mark_no_store
from bookstore.errors import CommonError, ErrorCode
from bookstore.languages import activate_request_language
from bookstore.pagination import Page, PageQuerySerializer, PaginationError
from bookstore.permissions import IsTenantAdmin
from bookstore.ratelimit import client_address, tenant_rate_limit_hit
from bookstore.request_context import note_request_tenant
from bookstore.serializers import IDEMPOTENCY_FORM_FIELD, InputSerializer
from bookstore.tenancy import resolve_tenant
from bookstore.tenants import TenancyError, tenant_status

BODY_METHODS = ("POST", "PUT", "PATCH")
FORM_MEDIA_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

SerializerDeclaration = type[Serializer] | Mapping[str, type[Serializer]] | None
ErrorCodesDeclaration = tuple[ErrorCode, ...] | Mapping[str, tuple[ErrorCode, ...]]

# Who presents a token may present a bad one, whatever the endpoint's permissions.
TOKEN_ERROR_CODES = (CommonError.INVALID_TOKEN, CommonError.TOKEN_EXPIRED)
NOT_ADMIN_ERROR_CODES = (CommonError.NOT_AUTHENTICATED, CommonError.PERMISSION_DENIED)
ANONYMOUS_TENANCY_ERROR_CODES = (TenancyError.TENANT_REQUIRED, TenancyError.TENANT_NOT_FOUND)


def _for_method(declaration, method: str):
    """A per-view declaration as it applies to `method`: one value for all, or a mapping by method."""
    return declaration.get(method) if isinstance(declaration, Mapping) else declaration


class BookstoreAPIView(APIView):
    """What every endpoint shares: validated input, the browsable API's forms and the schema, from one declaration."""

    input_serializer: SerializerDeclaration = None
    query_serializer: SerializerDeclaration = None
    error_codes: ErrorCodesDeclaration = ()
    idempotent_form = False
    # Responses carry tokens or personal data: `Cache-Control: private, no-store` (bookstore.caching).
    personal_data = False

    def input_serializer_class(self, method: str) -> type[Serializer] | None:
        """The serializer that validates a `method` request's body, as declared on the view."""
        return _for_method(self.input_serializer, method) if method in BODY_METHODS else None

    def query_serializer_class(self, method: str) -> type[Serializer] | None:
        """The serializer that validates a `method` request's query string: one class means GET's."""
        if isinstance(self.query_serializer, Mapping):
            return self.query_serializer.get(method)
        return self.query_serializer if method == "GET" else None

    def validated_body(self, **options) -> dict:
        """The request body, validated by the serializer declared for this method (400 when it is not valid).

        `options` go to the serializer, e.g. `partial=True` for a PATCH that changes only what it sends.
        """
        serializer_class = self.input_serializer_class(self.request.method)
        if serializer_class is None:
            raise ImproperlyConfigured(f"{type(self).__name__} declares no input_serializer for {self.request.method}.")
        return self._validated(serializer_class(data=self.request.data, **options))

    def validated_query(self) -> dict:
        """The query parameters, validated by the serializer declared for this method (400 when they are not valid)."""
        serializer_class = self.query_serializer_class(self.request.method)
        if serializer_class is None:
            raise ImproperlyConfigured(f"{type(self).__name__} declares no query_serializer for {self.request.method}.")
        return self._validated(serializer_class(data=self.request.query_params))

    @staticmethod
    def _validated(serializer: Serializer) -> dict:
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def idempotency_key(self) -> str:
        """The Idempotency-Key header; on an `idempotent_form` view, the HTML form's hidden field stands in for it.

        A browser form cannot send headers, so the browsable API's form carries the key as a
        field; a real header, even an empty one, always wins.
        """
        key = self.request.headers.get("Idempotency-Key")
        if key is None and self.idempotent_form and (self.request.content_type or "").startswith(FORM_MEDIA_TYPES):
            key = self.request.data.get(IDEMPOTENCY_FORM_FIELD)
        return key or ""

    def access_error_codes(self, method: str) -> tuple[ErrorCode, ...]:
        """The codes this view's base can answer `method` with before a handler runs (override in a base view)."""
        return (CommonError.THROTTLED,) if self.throttle_classes else ()

    def error_codes_for(self, method: str) -> list[ErrorCode]:
        """Every code a `method` request can get in the error body, besides those any endpoint can give.

        The declared input and query serializers give `validation_error` (a body also
        `bad_request`, when it is not well-formed), a paginated query `invalid_cursor`; the
        base adds its `access_error_codes`, and the view its own `error_codes`.
        """
        codes: list[ErrorCode] = []
        if self.input_serializer_class(method) is not None:
            codes += [CommonError.VALIDATION, CommonError.BAD_REQUEST]
        query = self.query_serializer_class(method)
        if query is not None:
            codes.append(CommonError.VALIDATION)
            if issubclass(query, PageQuerySerializer):
                codes.append(PaginationError.INVALID_CURSOR)
        codes += self.access_error_codes(method)
        codes += _for_method(self.error_codes, method) or ()
        return sorted(set(codes), key=lambda code: (code.http_status, code.value))

    def perform_authentication(self, request):
        """DRF's authentication, then the request's language, which may be the caller's profile language.

        DRF authenticates here, inside the view and after every middleware, so this is the
        first moment that knows the token's `lang` claim: every message from here on (a
        permission refusal, a throttle, the handler's errors, the browsable page) is in the
        caller's profile language when they set one (`bookstore.languages`). A refused token
        answers in the language the middleware chose.
        """
        super().perform_authentication(request)
        activate_request_language(request, user=request.user)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.personal_data:
            mark_no_store(response)
        return response

    def get_serializer(self, *args, **kwargs) -> Serializer:
        """DRF's hook for the browsable API: the form of the current method (no fields if it takes no body).

        A field named in the query string starts with that value, so a link can open a
        prefilled form (`cart/add?book_id=...`).
        """
        serializer_class = _for_method(self.input_serializer, self.request.method) or Serializer
        serializer = serializer_class(*args, **kwargs)
        if "data" not in kwargs and kwargs.get("instance") is None:
            for name, field in serializer.fields.items():
                if name in self.request.query_params and not field.read_only:
                    field.initial = self.request.query_params[name]
        return serializer


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
        self.tenant_id, tenant = resolve_tenant(request)
        note_request_tenant(request, self.tenant_id)
        # The tenant is known only now: its default language applies from here (read with it, no extra call).
        activate_request_language(request, user=request.user, tenant_language=tenant.language)
        if request.method in BODY_METHODS and self.input_serializer_class(request.method) is None:
            self._validated(InputSerializer(data=request.data))
        self.check_tenant_rate_limit(request)

    def access_error_codes(self, method: str) -> tuple[ErrorCode, ...]:
        codes = (*super().access_error_codes(method), *TOKEN_ERROR_CODES, TenancyError.TENANT_MISMATCH)
        # A caller the permissions let in anonymously names the tenant; a token's tenant is checked already.
        codes += self.refusal_error_codes(method) or ANONYMOUS_TENANCY_ERROR_CODES
        if method in BODY_METHODS and self.input_serializer_class(method) is None:
            codes += (CommonError.VALIDATION, CommonError.BAD_REQUEST)  # a stray body
        return (*codes, CommonError.THROTTLED)

    def refusal_error_codes(self, method: str) -> tuple[ErrorCode, ...]:
        """The codes with which the view's permissions refuse a `method` request; none when anyone may make it."""
        return ()

    def check_tenant_rate_limit(self, request) -> None:
        """The tenant's plan limit, per user (or per client address when anonymous); 429 when over it.

        Runs last in `initial`, so a request refused by authentication, permissions or tenancy
        costs no write. The plan comes with the (cached) tenant lookup `resolve_tenant` made.
        """
        if not settings.TENANT_RATE_LIMITS_ENABLED:
            return
        user = request.user
        subject = f"user:{user.id}" if getattr(user, "is_authenticated", False) else f"ip:{client_address(request)}"
        plan = tenant_status(tenant_id=self.tenant_id).plan
        wait = tenant_rate_limit_hit(tenant_id=self.tenant_id, plan=plan, subject=subject)
        if wait is not None:
            metrics.emit(metrics.REQUESTS_THROTTLED, dimensions={"Plan": plan or "none"}, tenant=self.tenant_id)
            raise Throttled(wait=wait)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if not self.personal_data:
            add_cache_headers(request, response)
        return response

    def caller_is_admin(self) -> bool:
        """Whether the caller is an admin of this tenant (who may see more, e.g. inactive books)."""
        return IsTenantAdmin().has_permission(self.request, self)


class UserAPIView(TenantAPIView):
    """An endpoint about the caller's own data: authenticated, scoped to the token's user."""

    permission_classes = [IsAuthenticated]
    personal_data = True

    def refusal_error_codes(self, method: str) -> tuple[ErrorCode, ...]:
        return (CommonError.NOT_AUTHENTICATED,)

    @property
    def user_scope(self) -> dict[str, str]:
        """The keyword arguments that scope a service or selector to the caller."""
        return {"tenant_id": self.tenant_id, "user_id": self.request.user.id}


class AdminAPIView(TenantAPIView):
    """An endpoint for the tenant's admins only."""

    permission_classes = [IsTenantAdmin]

    def refusal_error_codes(self, method: str) -> tuple[ErrorCode, ...]:
        return NOT_ADMIN_ERROR_CODES


def page_response(page: Page, serializer_class: type[Serializer], *, context: dict | None = None) -> Response:
    """`{"results": [...], "next": cursor-or-null}`: the body of every list (`context` goes to the serializer)."""
    items = serializer_class(page.items, many=True, context=context or {}).data
    return Response({"results": items, "next": page.next_cursor})
