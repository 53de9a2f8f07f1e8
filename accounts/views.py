"""Account endpoints: register, login, refresh, logout, profile, password, favourites and wishlist."""

from django.conf import settings
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import serializers as s
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
from accounts.throttling import LoginAccountThrottle, LoginIPThrottle
from accounts.tokens import token_refresh, token_revoke, tokens_for_user
from bookstore.pagination import PageParams, decode_cursor, page_body, paginated
from bookstore.tenancy import TenantAPIView


class PublicAPIView(APIView):
    """An endpoint that reads no credentials (a stale browser cookie must not get in the way)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]


class RegisterView(PublicAPIView):
    @extend_schema(request=s.RegisterInputSerializer, responses={201: s.UserOutputSerializer})
    def post(self, request):
        data = s.RegisterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = user_register(**data.validated_data)
        return Response(s.UserOutputSerializer(user).data, status=status.HTTP_201_CREATED)


class LoginView(PublicAPIView):
    throttle_classes = [LoginIPThrottle, LoginAccountThrottle]

    @extend_schema(request=s.LoginInputSerializer, responses={200: s.TokenPairOutputSerializer})
    def post(self, request):
        data = s.LoginInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = user_authenticate(**data.validated_data)
        body = {**tokens_for_user(user), "user": s.UserOutputSerializer(user).data}
        return Response(s.TokenPairOutputSerializer(body).data)


class TokenRefreshView(PublicAPIView):
    @extend_schema(request=s.RefreshInputSerializer, responses={200: s.AccessTokenOutputSerializer})
    def post(self, request):
        data = s.RefreshInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(token_refresh(refresh=data.validated_data["refresh"]))


class LogoutView(PublicAPIView):
    @extend_schema(request=s.RefreshInputSerializer, responses={204: None})
    def post(self, request):
        data = s.RefreshInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token_revoke(refresh=data.validated_data["refresh"])
        response = Response(status=status.HTTP_204_NO_CONTENT)
        response.delete_cookie(settings.JWT_COOKIE_NAME)
        return response


class ProfileView(TenantAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: s.UserOutputSerializer})
    def get(self, request):
        user = user_get(tenant_id=self.tenant_id, user_id=request.user.id)
        return Response(s.UserOutputSerializer(user).data)

    @extend_schema(request=s.ProfileInputSerializer, responses={200: s.UserOutputSerializer})
    def patch(self, request):
        data = s.ProfileInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = profile_update(tenant_id=self.tenant_id, user_id=request.user.id, **data.validated_data)
        return Response(s.UserOutputSerializer(user).data)


class PasswordChangeView(TenantAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.PasswordChangeInputSerializer, responses={204: None})
    def post(self, request):
        data = s.PasswordChangeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        password_change(tenant_id=self.tenant_id, user_id=request.user.id, **data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class _UserBookListView(TenantAPIView):
    """A paginated list of the caller's books (favourites, wishlist): one Query + one BatchGetItem."""

    permission_classes = [IsAuthenticated]
    list_name: str
    output_serializer: type
    selector: staticmethod

    def get(self, request):
        params = PageParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        scope = f"{self.list_name}:{self.tenant_id}:{request.user.id}"
        page = self.selector(
            tenant_id=self.tenant_id,
            user_id=request.user.id,
            limit=params.validated_data["limit"],
            position=decode_cursor(params.validated_data.get("cursor"), scope=scope),
        )
        return Response(page_body(page, self.output_serializer(page.items, many=True).data, scope=scope))


@extend_schema_view(get=extend_schema(parameters=[PageParams], responses={200: paginated(s.FavoriteOutputSerializer)}))
class FavoriteListView(_UserBookListView):
    list_name = "favorites"
    output_serializer = s.FavoriteOutputSerializer
    selector = staticmethod(favorites_list)


class FavoriteView(TenantAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={201: s.FavoriteOutputSerializer, 200: s.FavoriteOutputSerializer})
    def post(self, request, book_id):
        listed, created = favorite_add(tenant_id=self.tenant_id, user_id=request.user.id, book_id=book_id)
        return Response(s.FavoriteOutputSerializer(listed).data, status=201 if created else 200)

    @extend_schema(responses={204: None})
    def delete(self, request, book_id):
        favorite_remove(tenant_id=self.tenant_id, user_id=request.user.id, book_id=book_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(get=extend_schema(parameters=[PageParams], responses={200: paginated(s.WishlistOutputSerializer)}))
class WishlistListView(_UserBookListView):
    list_name = "wishlist"
    output_serializer = s.WishlistOutputSerializer
    selector = staticmethod(wishlist_list)


class WishlistView(TenantAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.WishlistInputSerializer, responses={201: s.WishlistOutputSerializer})
    def post(self, request, book_id):
        data = s.WishlistInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        listed, created = wishlist_add(
            tenant_id=self.tenant_id, user_id=request.user.id, book_id=book_id, **data.validated_data
        )
        return Response(s.WishlistOutputSerializer(listed).data, status=201 if created else 200)

    @extend_schema(request=s.WishlistPriorityInputSerializer, responses={200: s.WishlistOutputSerializer})
    def patch(self, request, book_id):
        data = s.WishlistPriorityInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        listed = wishlist_set_priority(
            tenant_id=self.tenant_id, user_id=request.user.id, book_id=book_id, **data.validated_data
        )
        return Response(s.WishlistOutputSerializer(listed).data)

    @extend_schema(responses={204: None})
    def delete(self, request, book_id):
        wishlist_remove(tenant_id=self.tenant_id, user_id=request.user.id, book_id=book_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
