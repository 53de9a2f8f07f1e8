"""Account endpoints: register, login, refresh, logout, profile, password, favourites and wishlist."""

from django.conf import settings
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response

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
from accounts.throttling import (
    LoginAccountThrottle,
    LoginAddressThrottle,
    RefreshAddressThrottle,
    RegisterAddressThrottle,
)
from accounts.tokens import token_refresh, token_revoke, tokens_for_user
from bookstore.api import PublicAPIView, UserAPIView, page_response
from bookstore.pagination import PageParams, paginated


class RegisterView(PublicAPIView):
    input_serializer = s.RegisterInputSerializer
    throttle_classes = [RegisterAddressThrottle]

    @extend_schema(request=s.RegisterInputSerializer, responses={201: s.UserOutputSerializer})
    def post(self, request):
        serializer = s.RegisterInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = user_register(**serializer.validated_data)
        return Response(s.UserOutputSerializer(user).data, status=status.HTTP_201_CREATED)


class LoginView(PublicAPIView):
    input_serializer = s.LoginInputSerializer
    throttle_classes = [LoginAddressThrottle, LoginAccountThrottle]

    @extend_schema(request=s.LoginInputSerializer, responses={200: s.TokenPairOutputSerializer})
    def post(self, request):
        serializer = s.LoginInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = user_authenticate(**serializer.validated_data)
        body = {**tokens_for_user(user), "user": s.UserOutputSerializer(user).data}
        return Response(s.TokenPairOutputSerializer(body).data)


class TokenRefreshView(PublicAPIView):
    input_serializer = s.RefreshInputSerializer
    throttle_classes = [RefreshAddressThrottle]

    @extend_schema(request=s.RefreshInputSerializer, responses={200: s.AccessTokenOutputSerializer})
    def post(self, request):
        serializer = s.RefreshInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(token_refresh(refresh=serializer.validated_data["refresh"]))


class LogoutView(PublicAPIView):
    input_serializer = s.RefreshInputSerializer

    @extend_schema(request=s.RefreshInputSerializer, responses={204: None})
    def post(self, request):
        serializer = s.RefreshInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token_revoke(refresh=serializer.validated_data["refresh"])
        response = Response(status=status.HTTP_204_NO_CONTENT)
        response.delete_cookie(settings.JWT_COOKIE_NAME)
        return response


class ProfileView(UserAPIView):
    input_serializer = s.ProfileInputSerializer

    @extend_schema(responses={200: s.UserOutputSerializer})
    def get(self, request):
        return Response(s.UserOutputSerializer(user_get(**self.user_scope)).data)

    @extend_schema(request=s.ProfileInputSerializer, responses={200: s.UserOutputSerializer})
    def patch(self, request):
        serializer = s.ProfileInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = profile_update(**self.user_scope, **serializer.validated_data)
        return Response(s.UserOutputSerializer(user).data)


class PasswordChangeView(UserAPIView):
    input_serializer = s.PasswordChangeInputSerializer

    @extend_schema(request=s.PasswordChangeInputSerializer, responses={204: None})
    def post(self, request):
        serializer = s.PasswordChangeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        password_change(**self.user_scope, **serializer.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(get=extend_schema(parameters=[PageParams], responses={200: paginated(s.FavoriteOutputSerializer)}))
class FavoriteListView(UserAPIView):
    filter_serializer = PageParams

    def get(self, request):
        params = PageParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        page = favorites_list(**self.user_scope, **params.validated_data)
        return page_response(page, s.FavoriteOutputSerializer)


class FavoriteView(UserAPIView):
    @extend_schema(request=None, responses={201: s.FavoriteOutputSerializer, 200: s.FavoriteOutputSerializer})
    def post(self, request, book_id):
        listed, created = favorite_add(**self.user_scope, book_id=book_id)
        return Response(s.FavoriteOutputSerializer(listed).data, status=201 if created else 200)

    @extend_schema(responses={204: None})
    def delete(self, request, book_id):
        favorite_remove(**self.user_scope, book_id=book_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(get=extend_schema(parameters=[PageParams], responses={200: paginated(s.WishlistOutputSerializer)}))
class WishlistListView(UserAPIView):
    filter_serializer = PageParams

    def get(self, request):
        params = PageParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        page = wishlist_list(**self.user_scope, **params.validated_data)
        return page_response(page, s.WishlistOutputSerializer)


class WishlistView(UserAPIView):
    input_serializer = {"POST": s.WishlistInputSerializer, "PATCH": s.WishlistPriorityInputSerializer}

    @extend_schema(request=s.WishlistInputSerializer, responses={201: s.WishlistOutputSerializer})
    def post(self, request, book_id):
        serializer = s.WishlistInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        listed, created = wishlist_add(**self.user_scope, book_id=book_id, **serializer.validated_data)
        return Response(s.WishlistOutputSerializer(listed).data, status=201 if created else 200)

    @extend_schema(request=s.WishlistPriorityInputSerializer, responses={200: s.WishlistOutputSerializer})
    def patch(self, request, book_id):
        serializer = s.WishlistPriorityInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        listed = wishlist_set_priority(**self.user_scope, book_id=book_id, **serializer.validated_data)
        return Response(s.WishlistOutputSerializer(listed).data)

    @extend_schema(responses={204: None})
    def delete(self, request, book_id):
        wishlist_remove(**self.user_scope, book_id=book_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
