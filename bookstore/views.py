"""Project-level endpoints: the health check, and JSON 404/500 pages."""

from django.http import JsonResponse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from bookstore.errors import CommonError, error_body


class HealthView(APIView):
    """Answers 200 while the app can serve requests; it touches no table, so it stays cheap."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(responses={200: inline_serializer("Health", {"status": serializers.CharField()})})
    def get(self, request):
        return Response({"status": "ok"})


def not_found(request, exception=None):
    """Unknown paths answer in the API's error format, not Django's HTML page."""
    return JsonResponse(error_body(CommonError.NOT_FOUND.value, CommonError.NOT_FOUND.message), status=404)


def server_error(request):
    return JsonResponse(error_body(CommonError.INTERNAL.value, CommonError.INTERNAL.message), status=500)
