"""Catalogue fixtures: valid book bodies, books made through the services, ISBNs on demand."""

import itertools
from decimal import Decimal

import pytest

from catalog.isbn import isbn13_check_digit

_isbn_numbers = itertools.count(1)


def fresh_isbn() -> str:
    """A valid ISBN-13 no other test call has used."""
    first12 = f"979{next(_isbn_numbers):09d}"
    return first12 + isbn13_check_digit(first12)


@pytest.fixture
def book_body():
    """A valid POST books body (the ISBN is a real edition of Cien años de soledad, hyphenated)."""
    return {
        "isbn": "978-0-307-47472-8",
        "title": "Cien años de soledad",
        "author": "Gabriel García Márquez",
        "editorial": "Vintage Español",
        "category": "Fiction",
        "price": "19.95",
        "description": "La historia de los Buendía.",
        "cover_image_url": "https://covers.openlibrary.org/b/isbn/9780307474728-L.jpg",
        "stock_quantity": 10,
        "publication_year": 1967,
        "language": "es",
        "pages": 496,
        "rating": "4.80",
    }


@pytest.fixture
def make_book(tenant):
    """Create a book in tenant1 through the service; keyword arguments override the defaults."""
    from catalog.services import book_create

    def make(**overrides):
        fields = {
            "tenant_id": "tenant1",
            "isbn": fresh_isbn(),
            "title": "A Test Book",
            "author": "Ana Autora",
            "category": "Fiction",
            "price": Decimal("10.00"),
            "stock_quantity": 5,
            "language": "en",
            **overrides,
        }
        return book_create(**fields)

    return make


@pytest.fixture
def book(make_book):
    return make_book(title="Rayuela", author="Julio Cortázar", category="Fiction", language="es")
