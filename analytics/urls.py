"""URLs of the sales and ratings reports (under /api/v1/analytics/)."""

from django.urls import path

from analytics import views

urlpatterns = [
    path("top-books", views.TopBooksView.as_view(), name="analytics-top-books"),
    path("revenue-by-category", views.RevenueByCategoryView.as_view(), name="analytics-revenue-by-category"),
    path("sales-by-day", views.SalesByDayView.as_view(), name="analytics-sales-by-day"),
    path("summary", views.SummaryView.as_view(), name="analytics-summary"),
    path("ratings", views.RatingsView.as_view(), name="analytics-ratings"),
]
