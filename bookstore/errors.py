"""One error type for the application, and the one exception handler that renders every error.

Every error leaves the API as `{"error": {"code", "message", "details"}}`. Services raise
`ApplicationError` with a code from their app's `errors.py`; DRF's own exceptions and
Django's refusals of a request (too many fields, a body over the cap, a Host not served)
are mapped onto the same shape, and validation errors name the field in `details`.
`bookstore.middleware.ApiErrorMiddleware` gives the same shape to what other layers
refuse before or around a view (unknown routes, a bad Host, a 500).
"""

import logging
from enum import StrEnum
from typing import Any

import botocore.exceptions
from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    DisallowedHost,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.response import Response

logger = logging.getLogger(__name__)


class ErrorCode(StrEnum):
    """An error code and its HTTP status; each app's `errors.py` defines a subclass."""

    def __new__(cls, code: str, http_status: int, message: str):
        member = str.__new__(cls, code)  # the member is its code string
        member._value_ = code
        member.http_status = http_status
        member.message = message
        return member


class CommonError(ErrorCode):
    VALIDATION = ("validation_error", 400, _("Some fields are invalid."))
    BAD_REQUEST = ("bad_request", 400, _("The request is malformed."))
    TOO_MANY_FIELDS = ("too_many_fields", 400, _("The request body has too many fields."))
    DISALLOWED_HOST = ("disallowed_host", 400, _("The Host header names a host this API does not serve."))
    NOT_AUTHENTICATED = ("not_authenticated", 401, _("Authentication credentials were not provided."))
    INVALID_TOKEN = ("invalid_token", 401, _("The token is not valid."))
    TOKEN_EXPIRED = ("token_expired", 401, _("The token has expired: get a new access token from users/token/refresh."))
    PERMISSION_DENIED = ("permission_denied", 403, _("You do not have permission to perform this action."))
    NOT_FOUND = ("not_found", 404, _("Not found."))
    METHOD_NOT_ALLOWED = ("method_not_allowed", 405, _("Method not allowed."))
    NOT_ACCEPTABLE = ("not_acceptable", 406, _("The requested format is not available."))
    PAYLOAD_TOO_LARGE = ("payload_too_large", 413, _("The request body is too large."))
    UNSUPPORTED_MEDIA_TYPE = ("unsupported_media_type", 415, _("Unsupported media type."))
    CONFLICT = (
        "write_conflict",
        409,
        _("Another change to the same data was being written at the same moment. Retry."),
    )
    THROTTLED = ("throttled", 429, _("Too many requests. Try again later."))
    SERVICE_UNAVAILABLE = (
        "service_unavailable",
        503,
        _("The database is unavailable or overloaded at the moment. Nothing was changed; retry shortly."),
    )
    INTERNAL = ("internal_error", 500, _("An unexpected error occurred."))


class ApplicationError(Exception):
    """A business-rule failure with a stable code; the exception handler renders it."""

    def __init__(self, code: ErrorCode, message: str | None = None, details: Any = None, headers=None):
        super().__init__(message or code.message)
        self.code = code
        self.message = message or code.message
        self.details = details if details is not None else {}
        self.headers = headers or {}


class TokenExpired(exceptions.AuthenticationFailed):
    """A well-formed, correctly signed token past its `exp`: the client should refresh, not log in again."""

    default_detail = CommonError.TOKEN_EXPIRED.message
    default_code = CommonError.TOKEN_EXPIRED.value


def error_body(code: str, message: str, details: Any = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details if details is not None else {}}}


# DRF's exception classes whose code we name differently from their default_code.
_DRF_CODES = {
    exceptions.ValidationError: CommonError.VALIDATION,
    exceptions.ParseError: CommonError.BAD_REQUEST,
    exceptions.NotAuthenticated: CommonError.NOT_AUTHENTICATED,
    TokenExpired: CommonError.TOKEN_EXPIRED,  # before its base class: the first match wins
    exceptions.AuthenticationFailed: CommonError.INVALID_TOKEN,
    exceptions.PermissionDenied: CommonError.PERMISSION_DENIED,
    exceptions.NotFound: CommonError.NOT_FOUND,
    exceptions.MethodNotAllowed: CommonError.METHOD_NOT_ALLOWED,
    exceptions.NotAcceptable: CommonError.NOT_ACCEPTABLE,
    exceptions.UnsupportedMediaType: CommonError.UNSUPPORTED_MEDIA_TYPE,
    exceptions.Throttled: CommonError.THROTTLED,
}


def _drf_error(exc: exceptions.APIException) -> tuple[str, str, Any]:
    """The (code, message, details) of one of DRF's exceptions."""
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        return CommonError.VALIDATION.value, CommonError.VALIDATION.message, detail
    if isinstance(exc, exceptions.Throttled):
        return CommonError.THROTTLED.value, CommonError.THROTTLED.message, {"retry_after": exc.wait}
    known = next((c for cls, c in _DRF_CODES.items() if isinstance(exc, cls)), None)
    code = known.value if known else exc.default_code
    detail = exc.detail
    if isinstance(detail, dict):  # simplejwt nests its message: {"detail": ..., "code": ...}
        detail = detail.get("detail", known.message if known else exc.default_detail)
    message = str(detail) if not isinstance(detail, list) else str(exc.default_detail)
    return code, message, {}


def request_refusal(exc: Exception) -> ApplicationError | None:
    """Django's refusal of a request as an application error, or None if `exc` is not one.

    Django raises these while reading the request (the body, its fields, the Host header);
    they are the client's fault, so a 4xx, never a 500 and never Django's HTML page.
    """
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return ApplicationError(
            CommonError.PAYLOAD_TOO_LARGE,
            _("The request body is larger than %(limit)s bytes.") % {"limit": limit},
            {"max_bytes": limit},
        )
    if isinstance(exc, TooManyFieldsSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        return ApplicationError(
            CommonError.TOO_MANY_FIELDS,
            _("The request body has more than %(limit)s fields.") % {"limit": limit},
            {"max_fields": limit},
        )
    if isinstance(exc, TooManyFilesSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        return ApplicationError(
            CommonError.TOO_MANY_FIELDS,
            _("The request body has more than %(limit)s files.") % {"limit": limit},
            {"max_files": limit},
        )
    if isinstance(exc, DisallowedHost):
        return ApplicationError(CommonError.DISALLOWED_HOST)
    if isinstance(exc, SuspiciousOperation | BadRequest | MultiPartParserError):
        return ApplicationError(CommonError.BAD_REQUEST)
    return None


# The code of an error response that carries none (a layer outside the views refused), by its status.
_CODE_BY_STATUS = {
    code.http_status: code
    for code in (
        CommonError.BAD_REQUEST,
        CommonError.PERMISSION_DENIED,
        CommonError.NOT_FOUND,
        CommonError.METHOD_NOT_ALLOWED,
        CommonError.PAYLOAD_TOO_LARGE,
        CommonError.THROTTLED,
        CommonError.SERVICE_UNAVAILABLE,
        CommonError.INTERNAL,
    )
}


def code_for_status(status: int) -> ErrorCode:
    """The error code of a bare error response with this status (bad_request or internal_error by class)."""
    return _CODE_BY_STATUS.get(status) or (CommonError.BAD_REQUEST if status < 500 else CommonError.INTERNAL)


# Error codes with which DynamoDB says "not now" rather than "no": overload and its own outages.
_UNAVAILABLE_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
    }
)
RETRY_AFTER_SECONDS = 2


def _backing_service_down(exc: BaseException | None) -> bool:
    """Whether `exc` (or what caused it) is DynamoDB being unreachable or overloaded after botocore's retries."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, botocore.exceptions.HTTPClientError | botocore.exceptions.ConnectionError):
            return True
        if isinstance(exc, botocore.exceptions.ClientError):
            return exc.response.get("Error", {}).get("Code") in _UNAVAILABLE_CODES
        exc = getattr(exc, "cause", None) or exc.__cause__
    return False


def service_unavailable() -> ApplicationError:
    return ApplicationError(CommonError.SERVICE_UNAVAILABLE, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """Render application and DRF errors in the one error shape.

    DynamoDB unreachable or throttled past botocore's retries is `503 service_unavailable`
    with Retry-After; Django's refusals of the request are their 4xx (`request_refusal`).
    Anything else is a bug: return None, as DRF does, so Django logs it and fires
    `got_request_exception` for error trackers, and `ApiErrorMiddleware` renders the JSON body.
    """
    if _backing_service_down(exc):
        logger.warning("DynamoDB unavailable: %s", exc)
        exc = service_unavailable()
    exc = request_refusal(exc) or exc
    if isinstance(exc, ApplicationError):
        return Response(
            error_body(exc.code.value, exc.message, exc.details), status=exc.code.http_status, headers=exc.headers
        )
    # Imported here: rest_framework.views resolves the authentication classes, which import this module.
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code, message, details = _drf_error(exc)
    response.data = error_body(code, message, details)
    return response
