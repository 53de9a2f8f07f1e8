"""URL of the admins' HTML dashboard (under /analytics/, outside the JSON API)."""

from django.urls import path

from analytics.dashboard import DashboardView

urlpatterns = [path("dashboard", DashboardView.as_view(), name="analytics-dashboard")]
