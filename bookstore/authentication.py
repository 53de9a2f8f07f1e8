"""JWT authentication: stateless users built from token claims, from a header or a cookie.

Tokens carry user_id, tenant_id and role (and the email, for display), so no request
reads the users table to authenticate. An expired token is `token_expired` (refresh it);
any other bad token is `invalid_token`. The browsable API stores the access token in an
HttpOnly cookie; requests
authenticated that way must pass Django's CSRF check, as session logins do.
"""

from django.conf import settings
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework_simplejwt.authentication import JWTStatelessUserAuthentication
from rest_framework_simplejwt.exceptions import ExpiredTokenError, TokenError
from rest_framework_simplejwt.models import TokenUser
from rest_framework_simplejwt.settings import api_settings

from bookstore.errors import CommonError, TokenExpired

ROLE_CUSTOMER = "customer"
ROLE_ADMIN = "admin"
ROLES = (ROLE_CUSTOMER, ROLE_ADMIN)


class TenantUser(TokenUser):
    """The user a token describes: its id, tenant and role, with no database behind it."""

    @cached_property
    def tenant_id(self) -> str:
        return self.token["tenant_id"]

    @cached_property
    def role(self) -> str:
        return self.token.get("role", ROLE_CUSTOMER)

    @cached_property
    def email(self) -> str:
        """Shown in the browsable API's navbar; empty for a token without the `email` claim."""
        return self.token.get("email", "")

    @cached_property
    def language(self) -> str | None:
        """The profile language (`lang` claim): the language the API answers this user in, if set."""
        return self.token.get("lang")

    @property
    def is_admin(self) -> bool:
        return self.role == ROLE_ADMIN


class TenantJWTAuthentication(JWTStatelessUserAuthentication):
    """`Authorization: Bearer <access token>`; a token without a tenant claim is refused."""

    def get_validated_token(self, raw_token: bytes):
        """The access token, or `token_expired` when only its age is wrong, or `invalid_token`."""
        expired = False
        for token_class in api_settings.AUTH_TOKEN_CLASSES:
            try:
                return token_class(raw_token)
            except ExpiredTokenError:
                expired = True
            except TokenError:
                pass
        if expired:
            raise TokenExpired()
        raise exceptions.AuthenticationFailed(CommonError.INVALID_TOKEN.message, code=CommonError.INVALID_TOKEN.value)

    def get_user(self, validated_token):
        if "tenant_id" not in validated_token:
            raise exceptions.AuthenticationFailed(_("Token has no tenant."), code=CommonError.INVALID_TOKEN.value)
        return super().get_user(validated_token)


class _CSRFCheck(CsrfViewMiddleware):
    def _reject(self, request, reason):
        return reason


class JWTCookieAuthentication(TenantJWTAuthentication):
    """The access token from the browsable API's HttpOnly cookie, with a CSRF check."""

    def authenticate(self, request):
        raw_token = request.COOKIES.get(settings.JWT_COOKIE_NAME)
        if not raw_token:
            return None
        try:
            validated_token = self.get_validated_token(raw_token.encode())
        except exceptions.AuthenticationFailed:
            return None  # a stale browser cookie makes the visitor anonymous, not locked out
        self._enforce_csrf(request)
        return self.get_user(validated_token), validated_token

    def authenticate_header(self, request):
        return None

    @staticmethod
    def _enforce_csrf(request):
        check = _CSRFCheck(lambda req: None)
        check.process_request(request)
        reason = check.process_view(request, None, (), {})
        if reason:
            raise exceptions.PermissionDenied(_("CSRF failed: %(reason)s") % {"reason": reason})
