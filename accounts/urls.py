"""URLs of the accounts endpoints, under /api/v1/users/."""

from django.urls import path

from accounts import views

urlpatterns = [
    path("register", views.RegisterView.as_view(), name="register"),
    path("login", views.LoginView.as_view(), name="login"),
    path("token/refresh", views.TokenRefreshView.as_view(), name="token-refresh"),
    path("logout", views.LogoutView.as_view(), name="logout"),
    path("profile", views.ProfileView.as_view(), name="profile"),
    path("password", views.PasswordChangeView.as_view(), name="password"),
    path("favorites", views.FavoriteListView.as_view(), name="favorites"),
    path("favorites/<str:book_id>", views.FavoriteView.as_view(), name="favorite"),
    path("wishlist", views.WishlistListView.as_view(), name="wishlist"),
    path("wishlist/<str:book_id>", views.WishlistView.as_view(), name="wishlist-item"),
]
