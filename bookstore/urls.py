"""The URL map: every endpoint lives under /api/v1/ (whose root lists them all), plus the OpenAPI schema and docs."""

from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

from bookstore.views import ApiRootView, BookstoreSchemaView, HealthView, TenantPickView

api_v1 = [
    path("", ApiRootView.as_view(), name="api-root"),
    path("health", HealthView.as_view(), name="health"),
    path("users/", include("accounts.urls")),
    path("", include("recommendations.urls")),  # books/recommendations/{user_id}
    path("", include("catalog.urls")),  # books, books/{book_id}, books/isbn/{isbn}, ...
    path("", include("orders.urls")),
    path("", include("reviews.urls")),  # books/{id}/reviews, reviews/{id}/vote, admin/reviews
    path("", include("webhooks.urls")),  # admin/webhooks, admin/webhooks/{id}/deliveries
    path("analytics/", include("analytics.urls")),
    path("", include("emails.urls")),  # admin/outbox: the local outbox
]

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="api-root")),
    path("api/v1/", include(api_v1)),
    path("analytics/", include("analytics.dashboard_urls")),  # the admins' HTML dashboard
    path("api/auth/", include("accounts.browser_urls", namespace="rest_framework")),
    path("api/auth/tenant/", TenantPickView.as_view(), name="tenant-pick"),
    path("api/schema/", BookstoreSchemaView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file of its own (?script): no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]
