"""How a book's attributes become index and facet keys.

Names are folded (accents stripped, case-folded, whitespace collapsed) so that filters,
facets and the author prefix search match "García Márquez" as "garcia marquez". Sort
keys end in the book id, which makes every index key unique and every page boundary exact.
"""

import unicodedata
from datetime import datetime
from decimal import Decimal

CATALOG = "BOOKS"
CATEGORY = "CATEGORY"
AUTHOR = "AUTHOR"
BESTSELLERS = "BESTSELLERS"

# Prices sort as zero-padded cents; 12 digits exceed the largest accepted price.
PRICE_DIGITS = 12
# Above every character of a book id, so `{cents}#~` bounds every key of that price.
KEY_CEILING = "~"
# Folded names in keys are capped so any Unicode input stays within DynamoDB's key size
# limits (1,024 bytes for a sort key): 200 characters of at most 4 bytes each.
NAME_KEY_LENGTH = 200


def fold(text: str) -> str:
    """The comparison form of a name: no accents, case-folded, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def name_key(text: str) -> str:
    """The folded name as it appears in a key (category, author, title, facet)."""
    return fold(text)[:NAME_KEY_LENGTH]


def catalog_key(tenant_id: str) -> str:
    return f"{tenant_id}#{CATALOG}"


def category_key(tenant_id: str, category: str) -> str:
    return f"{tenant_id}#{CATEGORY}#{name_key(category)}"


def author_key(tenant_id: str, author: str) -> str:
    return f"{tenant_id}#{AUTHOR}#{name_key(author)}"


def listed_at(created_at: datetime, book_id: str) -> str:
    # Fixed-width UTC timestamp: isoformat() drops zero microseconds and would missort.
    return f"{created_at.strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#{book_id}"


def cents(price: Decimal) -> str:
    return f"{int(price * 100):0{PRICE_DIGITS}d}"


def price_key(price: Decimal, book_id: str) -> str:
    return f"{cents(price)}#{book_id}"


def price_floor(price: Decimal) -> str:
    """The smallest price key of any book at this price or more."""
    return cents(price)


def price_ceiling(price: Decimal) -> str:
    """The largest price key of any book at this price or less."""
    return f"{cents(price)}#{KEY_CEILING}"


def title_key(title: str, book_id: str) -> str:
    return f"{name_key(title)}#{book_id}"


def facet_partition(tenant_id: str, kind: str) -> str:
    return f"{tenant_id}#{kind}"


def bestsellers_key(tenant_id: str) -> str:
    return f"{tenant_id}#{BESTSELLERS}"


def category_bestsellers_key(tenant_id: str, category: str) -> str:
    return f"{tenant_id}#{BESTSELLERS}#{name_key(category)}"
