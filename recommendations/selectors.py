"""The recommendations of one reader: their history, then one search request, then the ranking.

Cost, whatever the history size: one Query for the user (preferences), one Query for their
last HISTORY favourites and one BatchGetItem for those books, one Query for their last HISTORY
purchases, one Query and one BatchGetItem for the best-sellers, one Query per book for the
partners of their last (at most 3) bought books, and one search request: at most nine
DynamoDB calls and one engine call.
"""

from accounts.models import Favorite
from accounts.selectors import user_get
from catalog.search.queries import books_of_interest
from catalog.selectors import books_get_many
from orders.models import CANCELLED, Purchase
from recommendations.ranking import Recommendation, Taste, interests, rank
from recommendations.sales import sales_signals

HISTORY = 50  # the most recent favourites and purchases read
RESULTS = 20
# Candidates fetched from the engine: more than shown, so excluded or re-ranked books leave enough.
CANDIDATES = 60
PARTNERS_PER_BOOK = 5
BESTSELLERS = 10


def _unique(values) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def taste_of(*, tenant_id: str, user_id: str) -> Taste:
    """What the user's preferences, last favourites and last purchases say about them."""
    user = user_get(tenant_id=tenant_id, user_id=user_id)
    favourites = list(Favorite.by_date.query(Favorite.key(tenant_id, user_id), scan_index_forward=False, limit=HISTORY))
    favourite_books = [
        book
        for book in books_get_many(tenant_id=tenant_id, book_ids=[f.book_id for f in favourites]).values()
        if book.is_active
    ]
    purchases = [
        p
        for p in Purchase.by_date.query(Purchase.key(tenant_id, user_id), scan_index_forward=False, limit=HISTORY)
        if p.status != CANCELLED
    ]
    items = [item for purchase in purchases for item in purchase.items]
    bought = {item.book_id for item in items}
    titles = {item.book_id: item.title for item in items}
    sources = list(dict.fromkeys(item.book_id for item in items))  # most recent first
    signals = sales_signals(tenant_id=tenant_id, book_ids=sources, limit=max(PARTNERS_PER_BOOK, BESTSELLERS))
    together: dict[str, str] = {}
    for source in sources:  # the most recent purchase names the partner
        for partner, _ in signals.partners.get(source, [])[:PARTNERS_PER_BOOK]:
            together.setdefault(partner, titles[source])
    preferences = user.preferences
    return Taste(
        preferred_categories=_unique(preferences.categories if preferences else []),
        categories=_unique([item.category for item in items] + [b.category for b in favourite_books]),
        authors=_unique([item.author for item in items] + [b.author for b in favourite_books]),
        bought_together=together,
        bestsellers=tuple(signals.bestsellers[:BESTSELLERS]),
        exclude=frozenset(bought),
    )


def recommendations_for(*, tenant_id: str, user_id: str, limit: int = RESULTS) -> list[Recommendation]:
    """Up to `limit` in-stock books the user has not bought, best first, each with its reason.

    A user with no history gets the tenant's best-sellers.
    """
    taste = taste_of(tenant_id=tenant_id, user_id=user_id)
    candidates = books_of_interest(
        tenant_id=tenant_id, interests=interests(taste), exclude_book_ids=set(taste.exclude), size=CANDIDATES
    )
    return rank(candidates, taste, limit=limit)
