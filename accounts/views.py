"""Account endpoints: register, login, refresh, logout, profile, password, favourites and wishlist."""

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from accounts import serializers as s
from accounts.errors import AccountsError
from accounts.selectors import favorites_list, user_get, wishlist_list
from accounts.services import (
    favorite_add,
    favorite_remove,
    password_change,
    profile_update,
    user_authenticate,
    user_register,
    wishlist_add,
    wishlist_remove,
    wishlist_set_priority,
)
from accounts.throttling import (
    LoginAccountThrottle,
    LoginAddressThrottle,
    RefreshAddressThrottle,
    RegisterAddressThrottle,
)
from accounts.tokens import token_refresh, token_revoke, tokens_for_user
from bookstore.api import PublicAPIView, UserAPIView, page_response
from bookstore.errors import CommonError
from bookstore.pagination import PageQuerySerializer, paginated
from bookstore.tenants import TenancyError
from catalog.errors import CatalogError

# A refresh token can be malformed, expired or revoked.
REFRESH_TOKEN_ERROR_CODES = (CommonError.INVALID_TOKEN, CommonError.TOKEN_EXPIRED, AccountsError.TOKEN_REVOKED)


class RegisterView(PublicAPIView):
    """Create a customer account in a tenant (named in the body); the password is checked for strength."""

    input_serializer = s.RegisterInputSerializer
    error_codes = (AccountsError.EMAIL_TAKEN, TenancyError.TENANT_NOT_FOUND, CommonError.CONFLICT)
    throttle_classes = [RegisterAddressThrottle]

    @extend_schema(responses={201: s.UserOutputSerializer})
    def post(self, request):
        user = user_register(**self.validated_body())
        return Response(s.UserOutputSerializer(user).data, status=status.HTTP_201_CREATED)


class LoginView(PublicAPIView):
    """Exchange an email and password (in a tenant named in the body) for an access and a refresh token."""

    input_serializer = s.LoginInputSerializer
    error_codes = (AccountsError.INVALID_CREDENTIALS,)
    throttle_classes = [LoginAddressThrottle, LoginAccountThrottle]

    @extend_schema(responses={200: s.TokenPairOutputSerializer})
    def post(self, request):
        user = user_authenticate(**self.validated_body())
        body = {**tokens_for_user(user), "user": s.UserOutputSerializer(user).data}
        return Response(s.TokenPairOutputSerializer(body).data)


class TokenRefreshView(PublicAPIView):
    """A new access token for a refresh token that is valid and not revoked."""

    input_serializer = s.RefreshInputSerializer
    error_codes = REFRESH_TOKEN_ERROR_CODES
    throttle_classes = [RefreshAddressThrottle]

    @extend_schema(responses={200: s.AccessTokenOutputSerializer})
    def post(self, request):
        return Response(token_refresh(refresh=self.validated_body()["refresh"]))


class LogoutView(PublicAPIView):
    """Revoke a refresh token (and forget the browser's token cookie)."""

    input_serializer = s.RefreshInputSerializer
    error_codes = REFRESH_TOKEN_ERROR_CODES

    @extend_schema(responses={204: None})
    def post(self, request):
        token_revoke(refresh=self.validated_body()["refresh"])
        response = Response(status=status.HTTP_204_NO_CONTENT)
        response.delete_cookie(settings.JWT_COOKIE_NAME)
        return response


class ProfileView(UserAPIView):
    """The caller's profile: names and preferences."""

    input_serializer = s.ProfileInputSerializer
    error_codes = (AccountsError.USER_NOT_FOUND,)

    @extend_schema(responses={200: s.UserOutputSerializer})
    def get(self, request):
        """The caller's profile."""
        return Response(s.UserOutputSerializer(user_get(**self.user_scope)).data)

    @extend_schema(responses={200: s.UserOutputSerializer})
    def patch(self, request):
        """Change the names or preferences sent; the others stay as they are."""
        user = profile_update(**self.user_scope, **self.validated_body())
        return Response(s.UserOutputSerializer(user).data)


class PasswordChangeView(UserAPIView):
    """Change the caller's password, given the current one; earlier refresh tokens stop working."""

    input_serializer = s.PasswordChangeInputSerializer
    error_codes = (AccountsError.WRONG_PASSWORD, AccountsError.USER_NOT_FOUND)

    @extend_schema(responses={204: None})
    def post(self, request):
        password_change(**self.user_scope, **self.validated_body())
        return Response(status=status.HTTP_204_NO_CONTENT)


class FavoriteListView(UserAPIView):
    """The caller's favourite books, newest first, with each book's details."""

    query_serializer = PageQuerySerializer

    @extend_schema(responses={200: paginated(s.FavoriteOutputSerializer)})
    def get(self, request):
        page = favorites_list(**self.user_scope, **self.validated_query())
        return page_response(page, s.FavoriteOutputSerializer)


class FavoriteView(UserAPIView):
    """One book among the caller's favourites."""

    error_codes = {"POST": (CatalogError.BOOK_NOT_FOUND,)}

    @extend_schema(responses={201: s.FavoriteOutputSerializer, 200: s.FavoriteOutputSerializer})
    def post(self, request, book_id):
        """Add a book to the favourites: 201 when added, 200 when it already was one."""
        listed, created = favorite_add(**self.user_scope, book_id=book_id)
        return Response(s.FavoriteOutputSerializer(listed).data, status=201 if created else 200)

    @extend_schema(responses={204: None})
    def delete(self, request, book_id):
        """Remove a book from the favourites (removing one that is not there is not an error)."""
        favorite_remove(**self.user_scope, book_id=book_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WishlistListView(UserAPIView):
    """The caller's wishlist, newest first, with each book's details and priority."""

    query_serializer = PageQuerySerializer

    @extend_schema(responses={200: paginated(s.WishlistOutputSerializer)})
    def get(self, request):
        page = wishlist_list(**self.user_scope, **self.validated_query())
        return page_response(page, s.WishlistOutputSerializer)


class WishlistView(UserAPIView):
    """One book on the caller's wishlist, with its priority (1 = most wanted)."""

    input_serializer = {"POST": s.WishlistInputSerializer, "PATCH": s.WishlistPriorityInputSerializer}
    error_codes = {"POST": (CatalogError.BOOK_NOT_FOUND,), "PATCH": (AccountsError.WISHLIST_ITEM_NOT_FOUND,)}

    @extend_schema(responses={201: s.WishlistOutputSerializer, 200: s.WishlistOutputSerializer})
    def post(self, request, book_id):
        """Add a book to the wishlist: 201 when added, 200 when it already was on it."""
        listed, created = wishlist_add(**self.user_scope, book_id=book_id, **self.validated_body())
        return Response(s.WishlistOutputSerializer(listed).data, status=201 if created else 200)

    @extend_schema(responses={200: s.WishlistOutputSerializer})
    def patch(self, request, book_id):
        """Change the priority of a book on the wishlist."""
        listed = wishlist_set_priority(**self.user_scope, book_id=book_id, **self.validated_body())
        return Response(s.WishlistOutputSerializer(listed).data)

    @extend_schema(responses={204: None})
    def delete(self, request, book_id):
        """Remove a book from the wishlist (removing one that is not there is not an error)."""
        wishlist_remove(**self.user_scope, book_id=book_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
