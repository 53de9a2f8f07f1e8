"""Account endpoints: register, login, token refresh and logout, profile and password."""

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import serializers as s
from accounts.selectors import user_get
from accounts.services import password_change, profile_update, user_authenticate, user_register
from accounts.throttling import LoginAccountThrottle, LoginIPThrottle
from accounts.tokens import token_refresh, token_revoke, tokens_for_user
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
