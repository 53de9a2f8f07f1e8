"""How candidate books are ranked for a reader, and the reason each one is shown.

Pure functions over what the reader did (their `Taste`) and the candidates the search
engine returned; no I/O, so the rules are tested directly. A candidate scores the sum of
the weights of every signal it matches; its reason is the strongest signal.
"""

from dataclasses import dataclass, field

from catalog.keys import fold
from catalog.search.queries import BookHit, Interest

# Strongest first: the reason shown is the matched signal with the highest weight.
WEIGHT_BOUGHT_TOGETHER = 8
WEIGHT_AUTHOR = 4
WEIGHT_PREFERRED_CATEGORY = 3
WEIGHT_CATEGORY = 2
WEIGHT_BESTSELLER = 1


@dataclass(frozen=True)
class Taste:
    """What one reader's history says: preferences, the categories and authors of their books, sales signals."""

    preferred_categories: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()  # of their favourites and purchases
    authors: tuple[str, ...] = ()  # of their favourites and purchases
    bought_together: dict[str, str] = field(default_factory=dict)  # candidate book_id -> title it goes with
    bestsellers: tuple[str, ...] = ()
    exclude: frozenset[str] = frozenset()  # books already bought


@dataclass(frozen=True)
class Recommendation:
    book: BookHit
    reason: str
    score: int


def interests(taste: Taste) -> list[Interest]:
    """The interests the search engine ranks candidates by (the same weights as `rank`)."""
    return [
        Interest("book_id", tuple(sorted(taste.bought_together)), WEIGHT_BOUGHT_TOGETHER),
        Interest("author", taste.authors, WEIGHT_AUTHOR),
        Interest("category", taste.preferred_categories, WEIGHT_PREFERRED_CATEGORY),
        Interest("category", taste.categories, WEIGHT_CATEGORY),
        Interest("book_id", taste.bestsellers, WEIGHT_BESTSELLER),
    ]


def _signals(book: BookHit, taste: Taste) -> list[tuple[int, str]]:
    """Every signal the book matches, as (weight, reason)."""
    matched = []
    if book.book_id in taste.bought_together:
        matched.append((WEIGHT_BOUGHT_TOGETHER, f"bought together with {taste.bought_together[book.book_id]}"))
    if fold(book.author) in {fold(a) for a in taste.authors}:
        matched.append((WEIGHT_AUTHOR, f"by {book.author}, an author you like"))
    category = fold(book.category)
    if category in {fold(c) for c in taste.preferred_categories}:
        matched.append((WEIGHT_PREFERRED_CATEGORY, f"in your favourite category {book.category}"))
    if category in {fold(c) for c in taste.categories}:
        matched.append((WEIGHT_CATEGORY, f"like the {book.category} books you chose"))
    if book.book_id in taste.bestsellers:
        matched.append((WEIGHT_BESTSELLER, "a best-seller in this shop"))
    return matched


def rank(candidates: list[BookHit], taste: Taste, *, limit: int) -> list[Recommendation]:
    """The best `limit` candidates not already bought and in stock, each with its strongest reason."""
    ranked = []
    for book in candidates:
        if book.book_id in taste.exclude or not book.in_stock:
            continue
        matched = _signals(book, taste)
        if matched:
            _, reason = max(matched, key=lambda signal: signal[0])
            ranked.append(Recommendation(book=book, reason=reason, score=sum(w for w, _ in matched)))
    # Ties: the better-selling book first, then the better rated, then by id (stable pages).
    sales_rank = {book_id: position for position, book_id in enumerate(taste.bestsellers)}
    unranked = len(sales_rank)
    ranked.sort(
        key=lambda r: (-r.score, sales_rank.get(r.book.book_id, unranked), -(r.book.rating or 0), r.book.book_id)
    )
    return ranked[:limit]
