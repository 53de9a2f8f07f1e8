"""Request-level guards that run before any view: the request body size cap."""

from django.conf import settings
from django.http import JsonResponse

from bookstore.errors import CommonError, error_body


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
            code = CommonError.PAYLOAD_TOO_LARGE
            message = f"The request body is larger than {limit} bytes."
            return JsonResponse(error_body(code.value, message, {"max_bytes": limit}), status=code.http_status)
        return self.get_response(request)
