"""The URL map: every endpoint lives under /api/v1/, plus the OpenAPI schema and docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from bookstore.views import HealthView

api_v1 = [
    path("health", HealthView.as_view(), name="health"),
    path("users/", include("accounts.urls")),
    path("", include("catalog.urls")),  # books, books/{book_id}, books/isbn/{isbn}, ...
    path("", include("orders.urls")),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("api/auth/", include("accounts.browser_urls", namespace="rest_framework")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]

handler404 = "bookstore.views.not_found"
handler500 = "bookstore.views.server_error"
