"""Log in and out of the browsable API: the access token travels in an HttpOnly cookie.

The URLs are registered under DRF's `rest_framework` namespace, so the browsable API's
own "Log in" and "Log out" links lead here. No session or database is involved. The refresh
token waits in a second HttpOnly cookie that only the logout URL receives, so that logging
out revokes it. Logging out is a POST with the CSRF token (the navbar's button); a GET of the
logout URL only shows a page with that button, so no link or image can log a person out.
Both pages are `no-store`: they carry a CSRF token, and the login's answer sets the tokens.
"""

from contextlib import suppress

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_protect
from drf_spectacular.utils import extend_schema
from rest_framework.parsers import FormParser
from rest_framework.renderers import TemplateHTMLRenderer
from rest_framework.response import Response

from accounts.serializers import LoginInputSerializer
from accounts.services import user_login
from accounts.throttling import LogoutAddressThrottle
from accounts.tokens import token_revoke, tokens_for_user
from bookstore.api import PublicAPIView
from bookstore.errors import ApplicationError
from bookstore.ratelimit import client_address
from bookstore.tenancy import picked_tenant

DEFAULT_NEXT = "/api/v1/users/profile"


def _safe_next(request, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}):
        return value
    return DEFAULT_NEXT


@extend_schema(exclude=True)
@method_decorator(csrf_protect, name="dispatch")
class BrowserLoginView(PublicAPIView):
    renderer_classes = [TemplateHTMLRenderer]
    parser_classes = [FormParser]
    template_name = "accounts/browser_login.html"
    personal_data = True

    def get(self, request):
        # The shop picked in the navbar is the likely one to log in to.
        values = {"tenant_id": picked_tenant(request) or ""}
        return Response({"next": _safe_next(request, request.query_params.get("next")), "values": values})

    def post(self, request):
        next_url = _safe_next(request, request.data.get("next"))
        # The form also posts `next` and the CSRF token, which are the page's, not the login's.
        form = LoginInputSerializer(data={k: v for k, v in request.data.items() if k in LoginInputSerializer().fields})
        if not form.is_valid():
            return Response({"next": next_url, "errors": form.errors, "values": request.data}, status=400)
        try:
            user = user_login(**form.validated_data, address=client_address(request))
        except ApplicationError as exc:
            page = {"next": next_url, "message": exc.message, "values": request.data}
            return Response(page, status=exc.code.http_status, headers=exc.headers)
        tokens = tokens_for_user(user)
        response = HttpResponseRedirect(next_url)
        response.set_cookie(
            settings.JWT_COOKIE_NAME,
            tokens["access"],
            max_age=int(settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds()),
            httponly=True,
            secure=settings.JWT_COOKIE_SECURE,
            samesite="Lax",
        )
        response.set_cookie(
            settings.JWT_REFRESH_COOKIE_NAME,
            tokens["refresh"],
            max_age=int(settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"].total_seconds()),
            path=reverse("rest_framework:logout"),
            httponly=True,
            secure=settings.JWT_COOKIE_SECURE,
            samesite="Lax",
        )
        return response


@extend_schema(exclude=True)
@method_decorator(csrf_protect, name="dispatch")
class BrowserLogoutView(PublicAPIView):
    renderer_classes = [TemplateHTMLRenderer]
    parser_classes = [FormParser]
    throttle_classes = [LogoutAddressThrottle]
    template_name = "accounts/browser_logout.html"
    personal_data = True

    def get_throttles(self):
        # Showing the page changes nothing; only the POST revokes (and writes).
        return super().get_throttles() if self.request.method == "POST" else []

    def get(self, request):
        """A page with the logout button: nothing is revoked until it is pressed."""
        return Response({"next": _safe_next(request, request.query_params.get("next"))})

    def post(self, request):
        refresh = request.COOKIES.get(settings.JWT_REFRESH_COOKIE_NAME)
        if refresh:
            with suppress(ApplicationError):  # an expired or tampered cookie has nothing left to revoke
                token_revoke(refresh=refresh)
        # The page's form posts `next`; the navbar's button names it in the query string.
        next_url = request.data.get("next") or request.query_params.get("next")
        response = HttpResponseRedirect(_safe_next(request, next_url))
        response.delete_cookie(settings.JWT_COOKIE_NAME)
        response.delete_cookie(settings.JWT_REFRESH_COOKIE_NAME, path=reverse("rest_framework:logout"))
        return response
