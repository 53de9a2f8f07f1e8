"""catalog/seed_data.py: the curated core is real and valid; synthetic books are valid and reproducible."""

from catalog.isbn import is_valid_isbn, to_isbn13
from catalog.seed_data import CURATED_BOOKS, seed_records
from catalog.serializers import BookInputSerializer


def test_curated_isbns_have_correct_check_digits_and_are_distinct():
    assert all(is_valid_isbn(book.isbn) for book in CURATED_BOOKS)
    assert len({to_isbn13(book.isbn) for book in CURATED_BOOKS}) == len(CURATED_BOOKS)


def test_curated_core_has_spanish_and_english_titles():
    languages = {book.language for book in CURATED_BOOKS}
    assert {"es", "en"} <= languages
    assert sum(book.language == "es" for book in CURATED_BOOKS) >= 15


def test_every_seed_record_passes_the_api_validation():
    for record in seed_records(count=400, seed=7):
        body = {**record, "price": str(record["price"])}
        serializer = BookInputSerializer(data=body)
        assert serializer.is_valid(), (record, serializer.errors)


def test_records_are_reproducible_and_depend_on_the_seed():
    count = len(CURATED_BOOKS) + 50
    first = [r["isbn"] for r in seed_records(count=count, seed=1)]
    assert first == [r["isbn"] for r in seed_records(count=count, seed=1)]
    assert first != [r["isbn"] for r in seed_records(count=count, seed=2)]
    assert len(set(first)) == count


def test_a_small_count_takes_only_curated_books():
    assert [r["isbn"] for r in seed_records(count=3, seed=0)] == [b.isbn for b in CURATED_BOOKS[:3]]
