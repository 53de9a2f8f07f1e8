"""How the OpenAPI schema (drf-spectacular) describes the API: tags, summaries, inputs and error codes.

`BookstoreAutoSchema` reads what each view declares once (`bookstore.api.BookstoreAPIView`):
the request body from `input_serializer`, the query parameters from `query_serializer`, the
error codes from `error_codes_for`. An operation's summary is the first line of its handler's
docstring, or of its view's; the rest of that docstring is its description, followed by its
error codes, which also become its 4xx/5xx responses in the one error shape. `extend_schema`
on a view still wins where it says something (the responses, an operation id).

Every operation gets one tag: from `TAGS_BY_SEGMENT` if its path has such a segment, else from
the first entry of `TAGS_BY_PATH` its path starts with;
the tags' order and descriptions are SPECTACULAR_SETTINGS["TAGS"].

The authentication extensions below describe our two authentication classes.
"""

import inspect
import re

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

from bookstore.serializers import ErrorOutputSerializer

API_PREFIX = "/api/v1/"

# A path with one of these segments belongs to its tag wherever the segment is (`books/{book_id}/reviews`).
TAGS_BY_SEGMENT = (("reviews", "reviews"),)
# (path prefix under /api/v1/, tag): otherwise, the first match names an operation's tag.
TAGS_BY_PATH = (
    ("users/", "accounts"),
    ("books/search", "search"),
    ("books/suggest", "search"),
    ("books", "catalogue"),
    ("cart", "cart"),
    ("purchases", "purchases"),
    ("analytics/", "analytics"),
    ("admin/", "admin"),
    ("", "project"),
)
# The codes any endpoint can answer with, so not listed on each operation (docs/api/errors.md).
ERRORS_ANYWHERE = "`method_not_allowed`, `not_acceptable`, `unsupported_media_type`, `payload_too_large`, " + (
    "`too_many_fields`, `disallowed_host`, `service_unavailable` and `internal_error`"
)
_PLACEHOLDER = re.compile(r"\{\w+\}")


def tag_for_path(path: str) -> str:
    """The tag of the operation at `path` (as the schema writes it, e.g. `/api/v1/books/{book_id}`)."""
    relative = path.removeprefix(API_PREFIX)
    segments = relative.split("/")
    for segment, tag in TAGS_BY_SEGMENT:
        if segment in segments:
            return tag
    return next(tag for prefix, tag in TAGS_BY_PATH if relative.startswith(prefix))


def _docstring(obj) -> str:
    """An object's own docstring, cleaned; a class never inherits its base's here."""
    doc = obj.__dict__.get("__doc__") if isinstance(obj, type) else getattr(obj, "__doc__", None)
    return inspect.cleandoc(doc) if doc else ""


class BookstoreAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, reading our views' declarations (see the module docstring)."""

    def _handler_doc(self) -> str:
        handler = getattr(type(self.view), self.method.lower(), None)
        return _docstring(handler) or _docstring(type(self.view))

    def get_summary(self) -> str | None:
        return self._handler_doc().split("\n", 1)[0] or None

    def get_description(self) -> str:
        parts = self._handler_doc().split("\n", 1)
        return parts[1].strip() if len(parts) > 1 else ""

    def get_tags(self) -> list[str]:
        return [tag_for_path(self.path)]

    def get_request_serializer(self):
        declared = getattr(self.view, "input_serializer_class", None)
        return declared(self.method) if declared else super().get_request_serializer()

    def get_override_parameters(self):
        declared = getattr(self.view, "query_serializer_class", None)
        query = declared(self.method) if declared else None
        return [*super().get_override_parameters(), *([query] if query else [])]

    def error_codes(self) -> list:
        """The codes this operation can answer with in the error body (besides ERRORS_ANYWHERE)."""
        declared = getattr(self.view, "error_codes_for", None)
        return declared(self.method) if declared else []

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        codes = self.error_codes()
        lines = [f"- {code.http_status} `{code.value}`: {_PLACEHOLDER.sub('N', str(code.message))}" for code in codes]
        errors = "\n".join(["**Errors**", "", *lines]) if lines else "**Errors**: none of its own."
        errors += f"\n\nAny endpoint may also answer {ERRORS_ANYWHERE}."
        operation["description"] = "\n\n".join(filter(None, [operation.get("description"), errors]))
        operation["x-error-codes"] = [code.value for code in codes]
        error_body = self.resolve_serializer(ErrorOutputSerializer, "response").ref
        for status in sorted({code.http_status for code in codes}):
            names = ", ".join(f"`{code.value}`" for code in codes if code.http_status == status)
            operation["responses"].setdefault(
                str(status), {"description": names, "content": {"application/json": {"schema": error_body}}}
            )
        return operation


class BearerJWTScheme(OpenApiAuthenticationExtension):
    target_class = "bookstore.authentication.TenantJWTAuthentication"
    name = "jwtAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}


class CookieJWTScheme(OpenApiAuthenticationExtension):
    target_class = "bookstore.authentication.JWTCookieAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": settings.JWT_COOKIE_NAME}
