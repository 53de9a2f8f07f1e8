"""The index mapping, and how a book (a model or a stream image) becomes a search document.

This module imports elasticsearch-dsl at the top, so only search functions import it, lazily.

Mapping: `title`, `author` and `description` are text with the `spanish`
analyzer, a `.folded` subfield (standard tokenizer, lowercase, asciifolding, light Spanish
stemmer) and an `.en` subfield (`english`); `book_id`, `isbn`, `category`, `author_raw` and
`language` are keywords, `category` and `author_raw` with a `.folded` keyword (lowercase +
asciifolding) so filters match "ficcion" as "Ficción" the way `GET books` does; `price` and
`rating` are scaled floats (cents); `in_stock` a boolean (the book's listing flag: search never
sees the stock itself, which lives on the book's stock item, so a sale does not reindex);
`listed_at` a date; `suggest` a completion field fed with the title and the author. `editorial`
and `cover_image_url` are stored for display, not indexed.

Money: documents carry `Decimal`; the client writes it as a JSON number (the client's encoder
goes through float, whose shortest repr gives back the decimal's own digits for any price we
accept: at most 10 significant digits). Reads turn `_source` numbers back into `Decimal` through
their text, never through arithmetic on a float.
"""

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from elasticsearch_dsl import (
    Boolean,
    Completion,
    Date,
    Document,
    Integer,
    Keyword,
    ScaledFloat,
    Text,
    analyzer,
    normalizer,
    token_filter,
)
from pynamodb.attributes import UTCDateTimeAttribute

PRICE_SCALE = 100
RATING_SCALE = 100
NUMBER_OF_SHARDS = 1  # a tenant's catalogue is small: one shard, as ES advises below tens of GB

light_spanish = token_filter("light_spanish_stemmer", type="stemmer", language="light_spanish")
folded = analyzer("folded", tokenizer="standard", filter=["lowercase", "asciifolding", light_spanish])
folded_keyword = normalizer("folded_keyword", filter=["lowercase", "asciifolding"])


def _text() -> Text:
    return Text(analyzer="spanish", fields={"folded": Text(analyzer=folded), "en": Text(analyzer="english")})


def _keyword_folded() -> Keyword:
    return Keyword(fields={"folded": Keyword(normalizer=folded_keyword)})


class BookDocument(Document):
    """One active book of one tenant; the document id is the book_id, its version the book's."""

    book_id = Keyword()
    tenant_id = Keyword()
    isbn = Keyword()
    title = _text()
    author = _text()
    description = _text()
    author_raw = _keyword_folded()
    category = _keyword_folded()
    language = Keyword()
    price = ScaledFloat(scaling_factor=PRICE_SCALE)
    rating = ScaledFloat(scaling_factor=RATING_SCALE)
    in_stock = Boolean()
    publication_year = Integer()
    listed_at = Date()
    editorial = Keyword(index=False, doc_values=False)
    cover_image_url = Keyword(index=False, doc_values=False)
    suggest = Completion(analyzer=folded, search_analyzer=folded)


def index_body() -> dict[str, Any]:
    """The settings and mappings of a new versioned index."""
    from elasticsearch_dsl import Index

    index = Index("unused")  # the name is given when the index is created
    index.settings(number_of_shards=NUMBER_OF_SHARDS)
    index.document(BookDocument)
    body = index.to_dict()
    return {"settings": body["settings"], "mappings": body["mappings"]}


_timestamps = UTCDateTimeAttribute()


def _datetime(value: Any) -> datetime:
    """A created_at as a model gives it (datetime) or a stream image does (PynamoDB's string form)."""
    return value if isinstance(value, datetime) else _timestamps.deserialize(value)


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


def _decimal_or_none(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def book_document(book: Mapping[str, Any]) -> dict[str, Any]:
    """The `_source` of a book given as attribute values (a model's or a deserialised stream image)."""
    created_at = _datetime(book["created_at"])
    return {
        "book_id": book["book_id"],
        "tenant_id": book["tenant_id"],
        "isbn": book["isbn"],
        "title": book["title"],
        "author": book["author"],
        "author_raw": book["author"],
        "description": book.get("description") or "",
        "category": book["category"],
        "language": book.get("language") or "en",
        "price": Decimal(book["price"]),
        "rating": _decimal_or_none(book.get("rating")),
        "in_stock": bool(book.get("in_stock")),
        "publication_year": _int_or_none(book.get("publication_year")),
        "listed_at": created_at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "editorial": book.get("editorial") or "",
        "cover_image_url": book.get("cover_image_url"),
        "suggest": {"input": [book["title"], book["author"]]},
    }
