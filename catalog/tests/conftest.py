"""Catalogue fixtures; `book_factory` and `book` (books made through the service) come from `testing.fixtures`."""

import pytest


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
    }
