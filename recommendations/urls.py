"""URL of the recommendations endpoint, under /api/v1/books/ like the rest of the catalogue reads."""

from django.urls import path

from recommendations import views

urlpatterns = [
    path("books/recommendations/<str:user_id>", views.RecommendationListView.as_view(), name="book-recommendations"),
]
