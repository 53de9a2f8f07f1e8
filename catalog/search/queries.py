"""Reads of the search index: full-text search with filters and facets, suggestions, and candidates.

Every read is one request to the tenant's alias, filtered on the tenant too. The index holds
active books only (the indexer removes the others), so no read has to filter them out.
"""

import json
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from django.utils.translation import gettext_lazy as _

from bookstore.errors import ApplicationError
from bookstore.pagination import DEFAULT_LIMIT, PaginationError, decode_cursor, encode_cursor
from catalog.search.engine import engine_for, executed, search_unavailable_as_503
from catalog.search.index import alias_name
from catalog.selectors import BookFilterFields

if TYPE_CHECKING:
    from elasticsearch_dsl import Search

SEARCH_FIELDS = ["title^3", "title.folded^2", "author^2", "author.folded", "description", "title.en"]
# AUTO: one edit for words of 3-5 characters, two from 6; "2<75%": every word of a one- or
# two-word query must match, three quarters of a longer one.
FUZZINESS = "AUTO"
MINIMUM_SHOULD_MATCH = "2<75%"
TIE_BREAKER = {"book_id": {"order": "asc"}}
SORT_CLAUSES: dict[str, list[dict[str, Any]]] = {
    "relevance": [{"_score": {"order": "desc"}}, TIE_BREAKER],
    "price": [{"price": {"order": "asc"}}, TIE_BREAKER],
    "-price": [{"price": {"order": "desc"}}, TIE_BREAKER],
    "newest": [{"listed_at": {"order": "desc"}}, TIE_BREAKER],
    "rating": [{"rating": {"order": "desc", "missing": "_last"}}, TIE_BREAKER],
}
SEARCH_SORTS = tuple(SORT_CLAUSES)
FACET_FIELDS = ("category", "language")
FACET_SIZE = 50
SUGGEST_SIZE = 10
# Ask for more suggestions than shown: a book matching on both its title and author may come twice.
SUGGEST_OVERFETCH = 2
SOURCE_FIELDS = [
    "book_id",
    "isbn",
    "title",
    "author",
    "editorial",
    "category",
    "price",
    "description",
    "cover_image_url",
    "in_stock",
    "publication_year",
    "language",
    "rating",
    "listed_at",
]


@dataclass(frozen=True)
class SearchQuery(BookFilterFields):
    """What `GET books/search` may ask for; `sort` is one of SEARCH_SORTS."""

    q: str = ""
    sort: str = "relevance"
    min_rating: Decimal | None = None

    def cursor_scope(self, tenant_id: str) -> str:
        """A cursor resumes only the tenant and the exact query that issued it."""
        return "search:" + json.dumps([tenant_id, {k: str(v) for k, v in asdict(self).items()}], sort_keys=True)


@dataclass(frozen=True)
class BookHit:
    """A book as the search index holds it (active, as of its last indexed version)."""

    book_id: str
    isbn: str
    title: str
    author: str
    editorial: str
    category: str
    price: Decimal
    description: str
    cover_image_url: str | None
    in_stock: bool
    publication_year: int | None
    language: str
    rating: Decimal | None
    listed_at: str

    @classmethod
    def from_source(cls, source: dict[str, Any]) -> "BookHit":
        rating = source.get("rating")
        year = source.get("publication_year")
        return cls(
            book_id=source["book_id"],
            isbn=source["isbn"],
            title=source["title"],
            author=source["author"],
            editorial=source.get("editorial") or "",
            category=source["category"],
            price=Decimal(str(source["price"])),  # through its text: the digits that were written
            description=source.get("description") or "",
            cover_image_url=source.get("cover_image_url"),
            in_stock=bool(source.get("in_stock")),
            publication_year=None if year is None else int(year),
            language=source["language"],
            rating=None if rating is None else Decimal(str(rating)),
            listed_at=source["listed_at"],
        )


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int


@dataclass(frozen=True)
class SearchResults:
    """One page of search results, the total that match, facet counts and the next page's cursor."""

    results: list[BookHit]
    total: int
    facets: dict[str, list[FacetCount]]
    next_cursor: str | None


@dataclass(frozen=True)
class Suggestion:
    book_id: str
    title: str
    author: str
    text: str  # the title or author that matched


def _search(tenant_id: str) -> "Search":
    from elasticsearch_dsl import Search

    return Search(using=engine_for(tenant_id), index=alias_name(tenant_id)).filter("term", tenant_id=tenant_id)


def _is_missing_index(exc: BaseException) -> bool:
    """A tenant whose first book was never indexed has no index yet: it has no results, not an error."""
    from elasticsearch import NotFoundError

    return isinstance(exc, NotFoundError)


def _filtered(search: "Search", query: SearchQuery) -> "Search":
    if query.category:
        search = search.filter("term", **{"category.folded": query.category})
    if query.author:
        search = search.filter("term", **{"author_raw.folded": query.author})
    if query.language:
        search = search.filter("term", language=query.language)
    price = {}
    if query.min_price is not None:
        price["gte"] = query.min_price
    if query.max_price is not None:
        price["lte"] = query.max_price
    if price:
        search = search.filter("range", price=price)
    if query.in_stock is not None:
        search = search.filter("term", in_stock=query.in_stock)
    if query.min_rating is not None:  # unrated books have no rating: they never pass
        search = search.filter("range", rating={"gte": query.min_rating})
    return search


def _search_after(position: dict[str, Any] | None, sort: str) -> list | None:
    if position is None:
        return None
    after = position.get("after")
    if not isinstance(after, list) or len(after) != len(SORT_CLAUSES[sort]):
        raise ApplicationError(PaginationError.INVALID_CURSOR, details={"cursor": [_("Invalid cursor.")]})
    return after


def search_request(*, tenant_id: str, query: SearchQuery, limit: int, after: list | None = None) -> "Search":
    """The engine request behind one page of `books_search` (the benchmark sends it straight to the engine)."""
    search = _filtered(_search(tenant_id), query)
    if query.q.strip():
        search = search.query(
            "multi_match",
            query=query.q,
            fields=SEARCH_FIELDS,
            fuzziness=FUZZINESS,
            minimum_should_match=MINIMUM_SHOULD_MATCH,
        )
    search = search.sort(*SORT_CLAUSES[query.sort]).source(SOURCE_FIELDS)
    search = search.extra(size=limit + 1, track_total_hits=True)  # one more than the page: proves a next page
    if after is not None:
        search = search.extra(search_after=after)
    for facet in FACET_FIELDS:
        search.aggs.bucket(facet, "terms", field=facet, size=FACET_SIZE)
    return search


def books_search(
    *, tenant_id: str, query: SearchQuery, limit: int = DEFAULT_LIMIT, cursor: str | None = None
) -> SearchResults:
    """A page of the tenant's books matching `query`, with the total and facet counts: one engine request.

    The text goes to a fuzzy multi_match (typos, Spanish stems, accents); filters go in
    filter context, so they do not change scores. Pages follow `search_after` on the sort
    values with `book_id` as the tie-breaker, wrapped in a signed cursor bound to the query.
    An empty `q` lists every book that passes the filters.
    """
    scope = query.cursor_scope(tenant_id)
    after = _search_after(decode_cursor(cursor, scope=scope), query.sort)
    search = search_request(tenant_id=tenant_id, query=query, limit=limit, after=after)

    with search_unavailable_as_503():
        try:
            response = executed(search, tenant_id=tenant_id)
        except Exception as exc:
            if _is_missing_index(exc):
                return SearchResults(results=[], total=0, facets={f: [] for f in FACET_FIELDS}, next_cursor=None)
            raise

    hits = list(response.hits)
    page, more = hits[:limit], len(hits) > limit
    next_cursor = encode_cursor({"after": list(page[-1].meta.sort)}, scope=scope) if more else None
    aggregations = response.aggregations.to_dict()
    facets = {
        facet: [FacetCount(value=b["key"], count=b["doc_count"]) for b in aggregations[facet]["buckets"]]
        for facet in FACET_FIELDS
    }
    return SearchResults(
        results=[BookHit.from_source(hit.to_dict()) for hit in page],
        total=response.hits.total.value,
        facets=facets,
        next_cursor=next_cursor,
    )


def books_suggest(*, tenant_id: str, q: str, size: int = SUGGEST_SIZE) -> list[Suggestion]:
    """Up to `size` books whose title or author starts like `q` (typos allowed), one entry per book."""
    search = (
        _search(tenant_id)
        .suggest(
            "books",
            q,
            completion={"field": "suggest", "fuzzy": {"fuzziness": FUZZINESS}, "size": size * SUGGEST_OVERFETCH},
        )
        .source(["book_id", "title", "author"])
        .extra(size=0)
    )
    with search_unavailable_as_503():
        try:
            response = executed(search, tenant_id=tenant_id)
        except Exception as exc:
            if _is_missing_index(exc):
                return []
            raise
    suggestions: dict[str, Suggestion] = {}
    for option in response.suggest.books[0].options:
        source = option._source
        if option._id not in suggestions:
            suggestions[option._id] = Suggestion(
                book_id=source.book_id, title=source.title, author=source.author, text=option.text
            )
    return list(suggestions.values())[:size]


# --- Recommendation candidates ---------------------------------------------------------------

InterestField = Literal["category", "author", "book_id"]
_INTEREST_FIELDS: dict[str, str] = {"category": "category.folded", "author": "author_raw.folded", "book_id": "book_id"}


@dataclass(frozen=True)
class Interest:
    """Books whose `field` is one of `values` are worth `weight` points to this reader."""

    field: InterestField
    values: tuple[str, ...]
    weight: int


def books_of_interest(
    *, tenant_id: str, interests: list[Interest], exclude_book_ids: set[str], size: int
) -> list[BookHit]:
    """In-stock books matching any interest, best first by summed weights, excluding some ids: one request.

    The engine ranks with function_score weights (`score_mode: sum`), so the `size` returned
    are the best candidates; callers may re-rank them knowing which interest each matched.
    """
    from elasticsearch_dsl import Q

    interests = [i for i in interests if i.values]
    if not interests:
        return []
    clauses = [Q("terms", **{_INTEREST_FIELDS[i.field]: list(i.values)}) for i in interests]
    candidates = Q(
        "bool",
        filter=[Q("term", in_stock=True)],
        should=clauses,
        minimum_should_match=1,
        must_not=[Q("terms", book_id=sorted(exclude_book_ids))] if exclude_book_ids else [],
    )
    scored = Q(
        "function_score",
        query=candidates,
        functions=[{"filter": clause, "weight": i.weight} for clause, i in zip(clauses, interests, strict=True)],
        score_mode="sum",
        boost_mode="replace",
    )
    search = (
        _search(tenant_id)
        .query(scored)
        .sort({"_score": {"order": "desc"}}, {"rating": {"order": "desc", "missing": "_last"}}, TIE_BREAKER)
        .source(SOURCE_FIELDS)
        .extra(size=size)
    )
    with search_unavailable_as_503():
        try:
            response = executed(search, tenant_id=tenant_id)
        except Exception as exc:
            if _is_missing_index(exc):
                return []
            raise
    return [BookHit.from_source(hit.to_dict()) for hit in response.hits]
