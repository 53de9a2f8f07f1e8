"""Input and output serializers of the catalogue endpoints; `BookOutputSerializer` is nestable by other apps."""

from decimal import Decimal
from urllib.parse import urlparse

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from bookstore.dynamodb.clock import now
from bookstore.errors import ApplicationError
from bookstore.iso_codes import LANGUAGES
from bookstore.models import TENANT_ID_MAX_LENGTH
from bookstore.pagination import PageQuerySerializer
from bookstore.serializers import InputSerializer
from catalog.isbn import clean_isbn
from catalog.models import (
    CATEGORY_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    FIRST_PRINTED_YEAR,
    MAX_PAGES,
    MAX_STOCK,
    NAME_MAX_LENGTH,
    TITLE_MAX_LENGTH,
)
from catalog.search.queries import SEARCH_SORTS
from catalog.selectors import SORTS


class BookOutputSerializer(serializers.Serializer):
    """A book as listings show it; money and ratings are decimal strings, never floats.

    Listings show `in_stock`, not the stock: the flag lives on the book item (a stream delay
    behind the stock), the count on the book's stock item, which a listing page does not
    read. `GET books/{id}` shows both (`BookDetailOutputSerializer`).
    """

    book_id = serializers.CharField()
    tenant_id = serializers.CharField()
    isbn = serializers.CharField()
    title = serializers.CharField()
    author = serializers.CharField()
    editorial = serializers.CharField()
    category = serializers.CharField()
    price = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True)
    description = serializers.CharField()
    cover_image_url = serializers.CharField(allow_null=True)
    in_stock = serializers.BooleanField(help_text="Whether copies are for sale (on listings, a few seconds behind).")
    publication_year = serializers.IntegerField(allow_null=True)
    language = serializers.CharField()
    pages = serializers.IntegerField(allow_null=True)
    rating = serializers.DecimalField(max_digits=3, decimal_places=2, coerce_to_string=True, allow_null=True)
    is_active = serializers.BooleanField()
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField(allow_null=True)


class BookDetailOutputSerializer(BookOutputSerializer):
    """One book (`GET books/{id}`, and what admin writes return): the book with its real stock.

    Serializes a `StockedBook`; `in_stock` here is the stock item's, not the listing flag.
    """

    stock_quantity = serializers.IntegerField(help_text="Copies in stock now.")

    def to_representation(self, instance):
        data = BookOutputSerializer(instance.book, context=self.context).data
        data["in_stock"] = instance.stock_quantity > 0
        data["stock_quantity"] = instance.stock_quantity
        return data


class BookPageOutputSerializer(BookDetailOutputSerializer):
    """`GET books/{id}`: the book with its stock and its readers' ratings (read with it, in one call).

    `rating` is the mean of the published reviews (2 decimals), `rating_count` how many
    there are and `rating_histogram` how many per score: kept by the reviews stream, a few
    seconds behind a review.
    """

    reviews_url = serializers.SerializerMethodField(help_text="The book's reviews, and where to write one.")
    rating_count = serializers.IntegerField(help_text="Published reviews.")
    rating_histogram = serializers.DictField(
        child=serializers.IntegerField(), help_text='Published reviews per score, "1" to "5".'
    )

    def get_reviews_url(self, instance) -> str:
        path = f"{reverse('book-detail', kwargs={'book_id': instance.book.book_id})}/reviews"
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["reviews_url"] = self.get_reviews_url(instance)
        ratings = instance.ratings
        data["rating_count"] = int(ratings.rating_count or 0) if ratings is not None else 0
        data["rating_histogram"] = ratings.histogram if ratings is not None else {str(n): 0 for n in range(1, 6)}
        return data


def _check_isbn(value: str) -> str:
    try:
        return clean_isbn(value)
    except ApplicationError as exc:
        raise serializers.ValidationError(exc.message) from exc


class BookInputSerializer(InputSerializer):
    """A book as an admin writes it (POST, and PUT where omitted optional fields return to their defaults)."""

    tenant_id = serializers.CharField(
        max_length=TENANT_ID_MAX_LENGTH,
        required=False,
        write_only=True,
        help_text="Optional; must be the tenant of your token.",
    )
    isbn = serializers.CharField(max_length=20, help_text="ISBN-10 or ISBN-13; hyphens and spaces are removed.")
    title = serializers.CharField(max_length=TITLE_MAX_LENGTH)
    author = serializers.CharField(max_length=NAME_MAX_LENGTH)
    editorial = serializers.CharField(max_length=NAME_MAX_LENGTH, allow_blank=True, default="")
    category = serializers.CharField(max_length=CATEGORY_MAX_LENGTH)
    price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    description = serializers.CharField(max_length=DESCRIPTION_MAX_LENGTH, allow_blank=True, default="")
    cover_image_url = serializers.URLField(max_length=500, allow_null=True, default=None)
    stock_quantity = serializers.IntegerField(min_value=0, max_value=MAX_STOCK, default=0)
    publication_year = serializers.IntegerField(min_value=FIRST_PRINTED_YEAR, allow_null=True, default=None)
    language = serializers.ChoiceField(choices=sorted(LANGUAGES), default="en", help_text="ISO 639-1 code.")
    pages = serializers.IntegerField(min_value=1, max_value=MAX_PAGES, allow_null=True, default=None)
    is_active = serializers.BooleanField(
        required=False, help_text="Changed only when sent: false hides the book, true brings it back."
    )

    def validate_isbn(self, value: str) -> str:
        return _check_isbn(value)

    def validate_cover_image_url(self, value: str | None) -> str | None:
        if value is not None and urlparse(value).scheme not in ("http", "https"):
            raise serializers.ValidationError(_("Use an http or https URL."))
        return value

    def validate_publication_year(self, value: int | None) -> int | None:
        if value is not None and value > now().year:
            raise serializers.ValidationError(_("The publication year cannot be in the future."))
        return value

    def validate(self, attrs):
        attrs.pop("tenant_id", None)  # TenantAPIView already refused a tenant other than the token's
        return attrs


class BookUpdateInputSerializer(BookInputSerializer):
    """PUT (all required fields) or PATCH (partial=True: only the fields sent), with an optional version."""

    version = serializers.IntegerField(
        min_value=1, required=False, help_text="The version you read; a newer one on the server gives 409."
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.partial and not set(attrs) - {"version"}:
            raise serializers.ValidationError(_("Give at least one field to change."))
        return attrs


class BookVersionQuerySerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, required=False, help_text="The version you read; a newer one on the server gives 409."
    )


class BookFilterQuerySerializer(PageQuerySerializer):
    """The filters `GET books` and `GET books/search` share, and the page; each adds its own sort."""

    category = serializers.CharField(max_length=CATEGORY_MAX_LENGTH, required=False)
    author = serializers.CharField(max_length=NAME_MAX_LENGTH, required=False)
    min_price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal(0), required=False)
    max_price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal(0), required=False)
    language = serializers.ChoiceField(choices=sorted(LANGUAGES), required=False)
    # default=None: absent means "any"; DRF would otherwise read an absent query flag as false.
    in_stock = serializers.BooleanField(required=False, allow_null=True, default=None)

    def validate(self, attrs):
        low, high = attrs.get("min_price"), attrs.get("max_price")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError({"min_price": [_("Must not exceed max_price.")]})
        return attrs


class BookListQuerySerializer(BookFilterQuerySerializer):
    """`GET books` filters, sort and page."""

    sort = serializers.ChoiceField(choices=SORTS, default="newest")


class FacetOutputSerializer(serializers.Serializer):
    """A category or author and how many active books it has."""

    name = serializers.CharField()
    count = serializers.IntegerField(source="book_count")


class CategoryListOutputSerializer(serializers.Serializer):
    results = FacetOutputSerializer(many=True)


class AuthorListQuerySerializer(PageQuerySerializer):
    prefix = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", help_text="Case- and accent-insensitive."
    )


class BestsellerListQuerySerializer(PageQuerySerializer):
    category = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text="Only this category.")


class BestsellerOutputSerializer(serializers.Serializer):
    """A best-seller: the book as listed, and its units sold net of cancellations."""

    book = BookOutputSerializer()
    units_sold = serializers.IntegerField()


# --- Search -------------------------------------------------------------------------------------


class BookSearchQuerySerializer(BookFilterQuerySerializer):
    """`GET books/search`: text, filters, sort and page."""

    q = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    sort = serializers.ChoiceField(choices=SEARCH_SORTS, default="relevance")
    min_rating = serializers.DecimalField(
        max_digits=3,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(5),
        required=False,
        help_text="Only books whose readers' mean rating is at least this (unrated books are left out).",
    )


class BookHitOutputSerializer(serializers.Serializer):
    """A book as the search index holds it; money and ratings are decimal strings."""

    book_id = serializers.CharField()
    isbn = serializers.CharField()
    title = serializers.CharField()
    author = serializers.CharField()
    editorial = serializers.CharField()
    category = serializers.CharField()
    price = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True)
    description = serializers.CharField()
    cover_image_url = serializers.CharField(allow_null=True)
    in_stock = serializers.BooleanField()
    publication_year = serializers.IntegerField(allow_null=True)
    language = serializers.CharField()
    rating = serializers.DecimalField(max_digits=3, decimal_places=2, coerce_to_string=True, allow_null=True)
    listed_at = serializers.DateTimeField()


class FacetCountOutputSerializer(serializers.Serializer):
    value = serializers.CharField()
    count = serializers.IntegerField()


class SearchFacetsOutputSerializer(serializers.Serializer):
    category = FacetCountOutputSerializer(many=True)
    language = FacetCountOutputSerializer(many=True)


class SearchResultsOutputSerializer(serializers.Serializer):
    """`{results, total, facets: {category, language}, next}`."""

    results = BookHitOutputSerializer(many=True)
    total = serializers.IntegerField()
    facets = SearchFacetsOutputSerializer()
    next = serializers.CharField(source="next_cursor", allow_null=True)


class SuggestQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=100, help_text="The start of a title or author; typos are tolerated.")


class SuggestionOutputSerializer(serializers.Serializer):
    book_id = serializers.CharField()
    title = serializers.CharField()
    author = serializers.CharField()
    text = serializers.CharField(help_text="The title or author that matched.")


class SuggestionListOutputSerializer(serializers.Serializer):
    results = SuggestionOutputSerializer(many=True)
