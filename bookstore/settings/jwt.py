"""JWT (simplejwt, stateless): token lifetimes and signing key, and the cookies of the browsable API's login."""

from datetime import timedelta

from .env import env, env_int
from .security import SECRET_KEY

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("JWT_REFRESH_DAYS", 7)),
    "ROTATE_REFRESH_TOKENS": False,
    "UPDATE_LAST_LOGIN": False,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": env("JWT_SIGNING_KEY") or SECRET_KEY,
    "USER_ID_CLAIM": "user_id",
    "TOKEN_USER_CLASS": "bookstore.authentication.TenantUser",
    # The stock serializer reads the ORM; ours checks the DynamoDB revocation list instead.
    "TOKEN_REFRESH_SERIALIZER": "accounts.serializers.TokenRefreshSerializer",
}

# The browsable API keeps the access token in this HttpOnly cookie after a browser login, and the
# refresh token in another one that only the logout URL receives (so logout can revoke it).
JWT_COOKIE_NAME = "bookstore_access"
JWT_REFRESH_COOKIE_NAME = "bookstore_refresh"
JWT_COOKIE_SECURE = True  # HTTPS-only; the local settings turn it off for plain http on loopback
