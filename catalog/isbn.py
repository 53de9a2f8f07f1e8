"""ISBN-10 and ISBN-13: normalising, check digits, and the ISBN-13 form used for uniqueness."""

import re

from bookstore.errors import ApplicationError
from catalog.errors import CatalogError

_SEPARATORS = re.compile(r"[\s\-]")
_ISBN10 = re.compile(r"^\d{9}[\dX]$")
_ISBN13 = re.compile(r"^97[89]\d{10}$")


def normalize_isbn(raw: str) -> str:
    """The ISBN without hyphens or spaces and with an uppercase X; not yet validated."""
    return _SEPARATORS.sub("", raw).upper()


def isbn10_check_digit(first9: str) -> str:
    total = sum((10 - i) * int(d) for i, d in enumerate(first9))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def isbn13_check_digit(first12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def is_valid_isbn(isbn: str) -> bool:
    """Whether a normalised ISBN is a well-formed ISBN-10 or ISBN-13 with a correct check digit."""
    if _ISBN10.match(isbn):
        return isbn10_check_digit(isbn[:9]) == isbn[9]
    if _ISBN13.match(isbn):
        return isbn13_check_digit(isbn[:12]) == isbn[12]
    return False


def to_isbn13(isbn: str) -> str:
    """The ISBN-13 form of a valid, normalised ISBN: an ISBN-10 and its 978 form are one book."""
    if len(isbn) == 13:
        return isbn
    first12 = "978" + isbn[:9]
    return first12 + isbn13_check_digit(first12)


def clean_isbn(raw: str) -> str:
    """The normalised form of an ISBN-10 or ISBN-13, or `invalid_isbn`: the one check every caller uses."""
    isbn = normalize_isbn(raw)
    if not is_valid_isbn(isbn):
        raise ApplicationError(CatalogError.INVALID_ISBN, details={"isbn": [CatalogError.INVALID_ISBN.message]})
    return isbn
