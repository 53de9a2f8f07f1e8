"""Issuing, refreshing and revoking JWTs whose claims are user_id, tenant_id and role.

Plus the email, for display, and `lang`, the profile language the API answers in.
"""

from datetime import UTC, datetime

from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.exceptions import ExpiredTokenError, TokenError
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.errors import AccountsError
from accounts.models import RevokedToken, User
from accounts.selectors import user_get
from bookstore.errors import ApplicationError, CommonError
from bookstore.tenants import tenant_is_active


def tokens_for_user(user: User) -> dict[str, str]:
    """A fresh refresh token and its access token; the access token copies the claims."""
    refresh = RefreshToken()
    refresh["user_id"] = user.user_id
    refresh["tenant_id"] = user.tenant_id
    refresh["role"] = user.role
    refresh["email"] = user.email  # display only (the browsable API's navbar); never used to authorize
    refresh["lang"] = user.language  # the profile language: the request's language reads no table
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def _valid_refresh_token(raw: str) -> RefreshToken:
    try:
        token = RefreshToken(raw)
    except ExpiredTokenError as exc:
        raise ApplicationError(CommonError.TOKEN_EXPIRED, _("The refresh token has expired: log in again.")) from exc
    except TokenError as exc:
        raise ApplicationError(CommonError.INVALID_TOKEN) from exc
    if "tenant_id" not in token or "user_id" not in token:
        raise ApplicationError(CommonError.INVALID_TOKEN)
    return token


def token_refresh(*, refresh: str) -> dict[str, str]:
    """A new access token for a valid, unrevoked refresh token of an active user and tenant.

    Three reads: the revocation list (strongly consistent), the tenant (usually cached) and
    the user, so that a logout, a deactivated account or a password change ends the token's
    life, and the new access token carries the user's role as it is now.
    """
    token = _valid_refresh_token(refresh)
    try:
        RevokedToken.get(token["jti"], consistent_read=True)  # a refresh right after logout must fail
    except RevokedToken.DoesNotExist:
        pass
    else:
        raise ApplicationError(AccountsError.TOKEN_REVOKED)
    if not tenant_is_active(tenant_id=token["tenant_id"]):
        raise ApplicationError(CommonError.INVALID_TOKEN)
    try:
        user = user_get(tenant_id=token["tenant_id"], user_id=token["user_id"])
    except ApplicationError as exc:
        raise ApplicationError(CommonError.INVALID_TOKEN) from exc
    if not user.is_active:
        raise ApplicationError(CommonError.INVALID_TOKEN)
    # iat has whole seconds: a token from the very second of the change is still honoured.
    if user.password_changed_at and token["iat"] < int(user.password_changed_at.timestamp()):
        raise ApplicationError(AccountsError.TOKEN_REVOKED)
    access = token.access_token
    access["role"] = user.role  # the role as it is now: a demoted admin is not admin past this refresh
    access["lang"] = user.language  # and the profile language as it is now
    return {"access": str(access)}


def token_revoke(*, refresh: str) -> None:
    """Revoke a refresh token until it would expire; revoking twice is harmless."""
    token = _valid_refresh_token(refresh)
    RevokedToken(
        jti=token["jti"],
        tenant_id=token["tenant_id"],
        user_id=token["user_id"],
        expires_at=datetime.fromtimestamp(token["exp"], tz=UTC),
    ).save()
