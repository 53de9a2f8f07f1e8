"""URLs of the catalogue endpoints under /api/v1/books; fixed paths come before `books/{book_id}`."""

from django.urls import path

from catalog import views

urlpatterns = [
    path("books", views.BookListView.as_view(), name="book-list"),
    path("books/categories", views.CategoryListView.as_view(), name="book-categories"),
    path("books/authors", views.AuthorListView.as_view(), name="book-authors"),
    path("books/bestsellers", views.BestsellerListView.as_view(), name="book-bestsellers"),
    path("books/search", views.BookSearchView.as_view(), name="book-search"),
    path("books/suggest", views.BookSuggestView.as_view(), name="book-suggest"),
    path("books/isbn/<str:isbn>", views.BookByIsbnView.as_view(), name="book-by-isbn"),
    path("books/<str:book_id>", views.BookDetailView.as_view(), name="book-detail"),
]
