"""Catalogue endpoints: books (public reads, admin writes), lookup by ISBN, categories, authors, search."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response

from bookstore.api import TenantAPIView, page_response
from bookstore.pagination import paginated
from bookstore.permissions import PublicReadAdminWrite
from catalog import serializers as s
from catalog.search.queries import SearchQuery, books_search, books_suggest
from catalog.selectors import (
    BookFilters,
    StockedBook,
    authors_list,
    bestsellers_list,
    book_get_by_isbn,
    book_get_stocked,
    books_list,
    categories_list,
)
from catalog.services import book_create, book_delete, book_update


class CatalogAPIView(TenantAPIView):
    """Anyone may read the tenant's catalogue; only its admins may change it."""

    permission_classes = [PublicReadAdminWrite]


class BookListView(CatalogAPIView):
    input_serializer = s.BookInputSerializer
    filter_serializer = s.BookListParams

    @extend_schema(
        operation_id="books_list", parameters=[s.BookListParams], responses={200: paginated(s.BookOutputSerializer)}
    )
    def get(self, request):
        params = s.BookListParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = dict(params.validated_data)
        limit, cursor = filters.pop("limit"), filters.pop("cursor", None)
        page = books_list(tenant_id=self.tenant_id, filters=BookFilters(**filters), limit=limit, cursor=cursor)
        return page_response(page, s.BookOutputSerializer)

    @extend_schema(request=s.BookInputSerializer, responses={201: s.BookDetailOutputSerializer})
    def post(self, request):
        serializer = s.BookInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        book = book_create(tenant_id=self.tenant_id, **serializer.validated_data)
        return Response(s.BookDetailOutputSerializer(book).data, status=status.HTTP_201_CREATED)


# A book id is a UUID: said in the schema, so that clients (and fuzzers) never mistake
# `books/categories` or `books/search` for a book.
BOOK_ID = OpenApiParameter("book_id", OpenApiTypes.UUID, OpenApiParameter.PATH)


@extend_schema_view(
    get=extend_schema(parameters=[BOOK_ID]),
    put=extend_schema(parameters=[BOOK_ID]),
    patch=extend_schema(parameters=[BOOK_ID]),
    delete=extend_schema(parameters=[BOOK_ID]),
)
class BookDetailView(CatalogAPIView):
    input_serializer = s.BookUpdateInputSerializer

    def get_serializer(self, *args, **kwargs):
        """The browsable API's edit form starts from the book as shown (its fields and its stock)."""
        if isinstance(kwargs.get("instance"), StockedBook):
            kwargs["instance"] = s.BookDetailOutputSerializer(kwargs["instance"]).data
        return super().get_serializer(*args, **kwargs)

    @extend_schema(responses={200: s.BookDetailOutputSerializer})
    def get(self, request, book_id):
        book = book_get_stocked(tenant_id=self.tenant_id, book_id=book_id, include_inactive=self.caller_is_admin())
        return Response(s.BookDetailOutputSerializer(book).data)

    @extend_schema(request=s.BookUpdateInputSerializer, responses={200: s.BookDetailOutputSerializer})
    def put(self, request, book_id):
        return self._update(request, book_id, partial=False)

    @extend_schema(request=s.BookUpdateInputSerializer, responses={200: s.BookDetailOutputSerializer})
    def patch(self, request, book_id):
        return self._update(request, book_id, partial=True)

    def _update(self, request, book_id, *, partial: bool):
        serializer = s.BookUpdateInputSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        book = book_update(tenant_id=self.tenant_id, book_id=book_id, **serializer.validated_data)
        return Response(s.BookDetailOutputSerializer(book).data)

    @extend_schema(parameters=[s.BookVersionParams], responses={204: None})
    def delete(self, request, book_id):
        params = s.BookVersionParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        book_delete(tenant_id=self.tenant_id, book_id=book_id, **params.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BookByIsbnView(CatalogAPIView):
    @extend_schema(responses={200: s.BookDetailOutputSerializer})
    def get(self, request, isbn):
        book = book_get_by_isbn(tenant_id=self.tenant_id, isbn=isbn, include_inactive=self.caller_is_admin())
        return Response(s.BookDetailOutputSerializer(book).data)


class CategoryListView(TenantAPIView):
    @extend_schema(responses={200: s.CategoryListOutputSerializer})
    def get(self, request):
        categories = categories_list(tenant_id=self.tenant_id)
        return Response({"results": s.FacetOutputSerializer(categories, many=True).data})


class AuthorListView(TenantAPIView):
    filter_serializer = s.AuthorListParams

    @extend_schema(parameters=[s.AuthorListParams], responses={200: paginated(s.FacetOutputSerializer)})
    def get(self, request):
        params = s.AuthorListParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        page = authors_list(tenant_id=self.tenant_id, **params.validated_data)
        return page_response(page, s.FacetOutputSerializer)


class BestsellerListView(TenantAPIView):
    """The tenant's best-selling books, optionally in one category (public)."""

    filter_serializer = s.BestsellerListParams

    @extend_schema(parameters=[s.BestsellerListParams], responses={200: paginated(s.BestsellerOutputSerializer)})
    def get(self, request):
        params = s.BestsellerListParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        page = bestsellers_list(tenant_id=self.tenant_id, **params.validated_data)
        return page_response(page, s.BestsellerOutputSerializer)


class BookSearchView(TenantAPIView):
    """Full-text search with typo tolerance, filters, facets, sort and a cursor (the search engine)."""

    @extend_schema(
        operation_id="books_search",
        parameters=[s.BookSearchParams],
        responses={200: s.SearchResultsSerializer},
        description="503 `search_unavailable` when the search engine cannot answer.",
    )
    def get(self, request):
        params = s.BookSearchParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = dict(params.validated_data)
        limit, cursor = data.pop("limit"), data.pop("cursor", None)
        results = books_search(tenant_id=self.tenant_id, query=SearchQuery(**data), limit=limit, cursor=cursor)
        return Response(s.SearchResultsSerializer(results).data)


class BookSuggestView(TenantAPIView):
    """Autocomplete on titles and authors: up to 10 books."""

    @extend_schema(
        operation_id="books_suggest", parameters=[s.SuggestParams], responses={200: s.SuggestionListSerializer}
    )
    def get(self, request):
        params = s.SuggestParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        suggestions = books_suggest(tenant_id=self.tenant_id, q=params.validated_data["q"])
        return Response({"results": s.SuggestionSerializer(suggestions, many=True).data})
