"""catalog/isbn.py: normalising, check digits and the ISBN-13 form."""

import pytest

from catalog.isbn import is_valid_isbn, normalize_isbn, to_isbn13


def test_normalize_removes_hyphens_and_spaces_and_uppercases_x():
    assert normalize_isbn("0-8044-2957-x") == "080442957X"
    assert normalize_isbn(" 978 0 306 40615 7 ") == "9780306406157"


@pytest.mark.parametrize("isbn", ["0306406152", "080442957X", "9780306406157", "9791032305690"])
def test_valid_isbns(isbn):
    assert is_valid_isbn(isbn)


@pytest.mark.parametrize(
    "isbn",
    [
        "0306406153",  # wrong ISBN-10 check digit
        "9780306406158",  # wrong ISBN-13 check digit
        "9770306406156",  # 977 is not a book prefix
        "X306406152",  # X only as the ISBN-10 check digit
        "030640615",  # too short
        "97803064061570",  # too long
        "978030640615a",
        "",
    ],
)
def test_invalid_isbns(isbn):
    assert not is_valid_isbn(isbn)


def test_isbn10_and_its_isbn13_form_are_the_same_book():
    assert to_isbn13("0306406152") == "9780306406157"
    assert to_isbn13("080442957X") == "9780804429573"
    assert to_isbn13("9780306406157") == "9780306406157"
