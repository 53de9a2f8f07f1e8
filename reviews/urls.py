"""URLs of reviews, votes and the admins' moderation (under /api/v1/)."""

from django.urls import path

from reviews import views

urlpatterns = [
    path("books/<str:book_id>/reviews", views.BookReviewListView.as_view(), name="book-reviews"),
    path("books/<str:book_id>/reviews/mine", views.OwnReviewView.as_view(), name="book-review-mine"),
    path("users/reviews", views.UserReviewListView.as_view(), name="user-reviews"),
    path("reviews/<str:review_id>/vote", views.ReviewVoteView.as_view(), name="review-vote"),
    path("admin/reviews", views.AdminReviewListView.as_view(), name="admin-reviews"),
    path("admin/reviews/moderation", views.AdminReviewModerationView.as_view(), name="admin-review-moderation"),
    path("admin/reviews/<str:review_id>/hide", views.AdminReviewHideView.as_view(), name="admin-review-hide"),
    path("admin/reviews/<str:review_id>/restore", views.AdminReviewRestoreView.as_view(), name="admin-review-restore"),
    path("admin/reviews/<str:review_id>/approve", views.AdminReviewRestoreView.as_view(), name="admin-review-approve"),
]
