"""Catalogue endpoints: books (public reads, admin writes), lookup by ISBN, categories, authors, search."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from bookstore.api import NOT_ADMIN_ERROR_CODES, TenantAPIView, page_response
from bookstore.errors import CommonError, ErrorCode
from bookstore.pagination import paginated
from bookstore.permissions import PublicReadAdminWrite
from catalog import serializers as s
from catalog.errors import CatalogError, SearchError
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

# What a change to an existing book can run into.
BOOK_CHANGE_ERROR_CODES = (
    CatalogError.BOOK_NOT_FOUND,
    CatalogError.ISBN_TAKEN,
    CatalogError.VERSION_CONFLICT,
    CatalogError.SALE_STATE_MISSING,
    CommonError.CONFLICT,
)


class CatalogAPIView(TenantAPIView):
    """Anyone may read the tenant's catalogue; only its admins may change it."""

    permission_classes = [PublicReadAdminWrite]

    def refusal_error_codes(self, method: str) -> tuple[ErrorCode, ...]:
        return () if method in SAFE_METHODS else NOT_ADMIN_ERROR_CODES


class BookListView(CatalogAPIView):
    """The tenant's active books, with filters, a sort and a cursor."""

    input_serializer = s.BookInputSerializer
    query_serializer = s.BookListQuerySerializer
    error_codes = {"POST": (CatalogError.ISBN_TAKEN, CommonError.CONFLICT)}

    @extend_schema(operation_id="books_list", responses={200: paginated(s.BookOutputSerializer)})
    def get(self, request):
        """List the tenant's active books, filtered and sorted, a page at a time."""
        filters = self.validated_query()
        limit, cursor = filters.pop("limit"), filters.pop("cursor", None)
        page = books_list(tenant_id=self.tenant_id, filters=BookFilters(**filters), limit=limit, cursor=cursor)
        return page_response(page, s.BookOutputSerializer)

    @extend_schema(responses={201: s.BookDetailOutputSerializer})
    def post(self, request):
        """Add a book to the catalogue (admins)."""
        book = book_create(tenant_id=self.tenant_id, **self.validated_body())
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
    """One book: anyone reads it (admins see inactive ones too); admins change or delete it."""

    input_serializer = s.BookUpdateInputSerializer
    query_serializer = {"DELETE": s.BookVersionQuerySerializer}
    error_codes = {
        "GET": (CatalogError.BOOK_NOT_FOUND,),
        "PUT": BOOK_CHANGE_ERROR_CODES,
        "PATCH": BOOK_CHANGE_ERROR_CODES,
        "DELETE": BOOK_CHANGE_ERROR_CODES,
    }

    def get_serializer(self, *args, **kwargs):
        """The browsable API's edit form starts from the book as shown (its fields and its stock)."""
        if isinstance(kwargs.get("instance"), StockedBook):
            kwargs["instance"] = s.BookDetailOutputSerializer(kwargs["instance"]).data
        return super().get_serializer(*args, **kwargs)

    @extend_schema(responses={200: s.BookPageOutputSerializer})
    def get(self, request, book_id):
        """A book with its stock and its readers' ratings (count and histogram)."""
        book = book_get_stocked(
            tenant_id=self.tenant_id, book_id=book_id, include_inactive=self.caller_is_admin(), ratings=True
        )
        return Response(s.BookPageOutputSerializer(book, context={"request": request}).data)

    @extend_schema(responses={200: s.BookDetailOutputSerializer})
    def put(self, request, book_id):
        """Replace a book (admins): omitted optional fields return to their defaults."""
        return self._update(book_id, partial=False)

    @extend_schema(responses={200: s.BookDetailOutputSerializer})
    def patch(self, request, book_id):
        """Change only the fields sent (admins); `{"is_active": true}` brings back a deleted book."""
        return self._update(book_id, partial=True)

    def _update(self, book_id, *, partial: bool):
        book = book_update(tenant_id=self.tenant_id, book_id=book_id, **self.validated_body(partial=partial))
        return Response(s.BookDetailOutputSerializer(book).data)

    @extend_schema(responses={204: None})
    def delete(self, request, book_id):
        """Soft-delete a book (admins): it leaves listings and counts; deleting again changes nothing."""
        book_delete(tenant_id=self.tenant_id, book_id=book_id, **self.validated_query())
        return Response(status=status.HTTP_204_NO_CONTENT)


class BookByIsbnView(CatalogAPIView):
    """A book by its ISBN-10 or ISBN-13 (hyphens allowed), with its stock."""

    error_codes = (CatalogError.INVALID_ISBN, CatalogError.BOOK_NOT_FOUND)

    @extend_schema(responses={200: s.BookDetailOutputSerializer})
    def get(self, request, isbn):
        book = book_get_by_isbn(tenant_id=self.tenant_id, isbn=isbn, include_inactive=self.caller_is_admin())
        return Response(s.BookDetailOutputSerializer(book).data)


class CategoryListView(TenantAPIView):
    """The tenant's categories, each with its number of active books."""

    @extend_schema(responses={200: s.CategoryListOutputSerializer})
    def get(self, request):
        categories = categories_list(tenant_id=self.tenant_id)
        return Response({"results": s.FacetOutputSerializer(categories, many=True).data})


class AuthorListView(TenantAPIView):
    """Authors with active books whose full name starts with a prefix (case- and accent-insensitive)."""

    query_serializer = s.AuthorListQuerySerializer

    @extend_schema(responses={200: paginated(s.FacetOutputSerializer)})
    def get(self, request):
        page = authors_list(tenant_id=self.tenant_id, **self.validated_query())
        return page_response(page, s.FacetOutputSerializer)


class BestsellerListView(TenantAPIView):
    """The tenant's best-selling books, optionally in one category."""

    query_serializer = s.BestsellerListQuerySerializer

    @extend_schema(responses={200: paginated(s.BestsellerOutputSerializer)})
    def get(self, request):
        page = bestsellers_list(tenant_id=self.tenant_id, **self.validated_query())
        return page_response(page, s.BestsellerOutputSerializer)


class BookSearchView(TenantAPIView):
    """Full-text search with typo tolerance, filters, facets, sort and a cursor (the search engine)."""

    query_serializer = s.BookSearchQuerySerializer
    error_codes = (SearchError.SEARCH_UNAVAILABLE,)

    @extend_schema(operation_id="books_search", responses={200: s.SearchResultsOutputSerializer})
    def get(self, request):
        data = self.validated_query()
        limit, cursor = data.pop("limit"), data.pop("cursor", None)
        results = books_search(tenant_id=self.tenant_id, query=SearchQuery(**data), limit=limit, cursor=cursor)
        return Response(s.SearchResultsOutputSerializer(results).data)


class BookSuggestView(TenantAPIView):
    """Autocomplete on titles and authors: up to 10 books."""

    query_serializer = s.SuggestQuerySerializer
    error_codes = (SearchError.SEARCH_UNAVAILABLE,)

    @extend_schema(operation_id="books_suggest", responses={200: s.SuggestionListOutputSerializer})
    def get(self, request):
        suggestions = books_suggest(tenant_id=self.tenant_id, q=self.validated_query()["q"])
        return Response({"results": s.SuggestionOutputSerializer(suggestions, many=True).data})
