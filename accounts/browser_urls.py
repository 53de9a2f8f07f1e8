"""The browsable API's login and logout, mounted under DRF's `rest_framework` namespace."""

from django.urls import path

from accounts.browser import BrowserLoginView, BrowserLogoutView

app_name = "rest_framework"
urlpatterns = [
    path("login/", BrowserLoginView.as_view(), name="login"),
    path("logout/", BrowserLogoutView.as_view(), name="logout"),
]
