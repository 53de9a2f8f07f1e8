"""One error type for the application, and the one exception handler that renders every error.

Every error leaves the API as `{"error": {"code", "message", "details"}}`. Services raise
`ApplicationError` with a code from their app's `errors.py`; DRF's own exceptions are
mapped onto the same shape, and validation errors name the field in `details`.
"""

import logging
from enum import StrEnum
from typing import Any

from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

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
    VALIDATION = ("validation_error", 400, "Some fields are invalid.")
    BAD_REQUEST = ("bad_request", 400, "The request is malformed.")
    NOT_AUTHENTICATED = ("not_authenticated", 401, "Authentication credentials were not provided.")
    INVALID_TOKEN = ("invalid_token", 401, "The token is invalid or expired.")
    PERMISSION_DENIED = ("permission_denied", 403, "You do not have permission to perform this action.")
    NOT_FOUND = ("not_found", 404, "Not found.")
    METHOD_NOT_ALLOWED = ("method_not_allowed", 405, "Method not allowed.")
    NOT_ACCEPTABLE = ("not_acceptable", 406, "The requested format is not available.")
    UNSUPPORTED_MEDIA_TYPE = ("unsupported_media_type", 415, "Unsupported media type.")
    THROTTLED = ("throttled", 429, "Too many requests. Try again later.")
    INTERNAL = ("internal_error", 500, "An unexpected error occurred.")


class ApplicationError(Exception):
    """A business-rule failure with a stable code; the exception handler renders it."""

    def __init__(self, code: ErrorCode, message: str | None = None, details: Any = None, headers=None):
        super().__init__(message or code.message)
        self.code = code
        self.message = message or code.message
        self.details = details if details is not None else {}
        self.headers = headers or {}


def error_body(code: str, message: str, details: Any = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details if details is not None else {}}}


_DRF_CODES = {
    exceptions.ValidationError: CommonError.VALIDATION,
    exceptions.ParseError: CommonError.BAD_REQUEST,
    exceptions.NotAuthenticated: CommonError.NOT_AUTHENTICATED,
    exceptions.AuthenticationFailed: CommonError.INVALID_TOKEN,
    exceptions.PermissionDenied: CommonError.PERMISSION_DENIED,
    exceptions.NotFound: CommonError.NOT_FOUND,
    exceptions.MethodNotAllowed: CommonError.METHOD_NOT_ALLOWED,
    exceptions.NotAcceptable: CommonError.NOT_ACCEPTABLE,
    exceptions.UnsupportedMediaType: CommonError.UNSUPPORTED_MEDIA_TYPE,
    exceptions.Throttled: CommonError.THROTTLED,
}


def _drf_error(exc: exceptions.APIException) -> tuple[ErrorCode, str, Any]:
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        return CommonError.VALIDATION, CommonError.VALIDATION.message, detail
    if isinstance(exc, exceptions.Throttled):
        return CommonError.THROTTLED, CommonError.THROTTLED.message, {"retry_after": exc.wait}
    code = next((c for cls, c in _DRF_CODES.items() if isinstance(exc, cls)), CommonError.BAD_REQUEST)
    detail = exc.detail
    if isinstance(detail, dict):  # simplejwt nests its message: {"detail": ..., "code": ...}
        detail = detail.get("detail", code.message)
    return code, str(detail) if not isinstance(detail, list) else code.message, {}


def exception_handler(exc: Exception, context: dict) -> Response:
    """Render every exception as the one error shape; unexpected ones become a logged 500."""
    if isinstance(exc, ApplicationError):
        return Response(
            error_body(exc.code.value, exc.message, exc.details), status=exc.code.http_status, headers=exc.headers
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled error", exc_info=exc)
        return Response(
            error_body(CommonError.INTERNAL.value, CommonError.INTERNAL.message),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    code, message, details = _drf_error(exc)
    response.data = error_body(code.value, message, details)
    return response
