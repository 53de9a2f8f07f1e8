"""The seed_catalog command and catalog/services.py: catalog_seed (batch writes, idempotent, exact counts)."""

import pytest
from django.core.management import CommandError, call_command

from bookstore.models import UniqueKey
from catalog.isbn import to_isbn13
from catalog.models import Book
from catalog.seed_data import seed_records
from catalog.selectors import BookFilters, books_list, categories_list, isbn_claim_key
from catalog.services import book_create, book_update, catalog_seed


def stored_books(tenant_id="tenant1"):
    return list(Book.scan(Book.tenant_id == tenant_id))  # test-only ground truth


def assert_counts_match_the_books(tenant_id="tenant1"):
    expected = {}
    for book in stored_books(tenant_id):
        if book.is_active:
            expected[book.category] = expected.get(book.category, 0) + 1
    assert {f.name: f.book_count for f in categories_list(tenant_id=tenant_id)} == expected


def test_seeding_twice_creates_no_duplicates_and_keeps_counts_exact(tenant, capsys):
    call_command("seed_catalog", tenant="tenant1", target=120, seed=3)
    assert "120 books added (0 ISBNs already there); the catalogue holds 120" in capsys.readouterr().out
    first = {b.book_id: b.isbn for b in stored_books()}
    assert len(first) == 120
    assert_counts_match_the_books()

    call_command("seed_catalog", tenant="tenant1", target=120, seed=3)
    assert "0 books added (0 ISBNs already there); the catalogue holds 120" in capsys.readouterr().out
    assert {b.book_id: b.isbn for b in stored_books()} == first
    assert_counts_match_the_books()


def test_target_is_the_catalogue_size_not_a_number_to_add(tenant, book_factory):
    book_factory()  # a book added through the API counts towards the target
    result = catalog_seed(tenant_id="tenant1", target=30, seed=0)
    assert (result.created, result.total) == (29, 30)
    assert len(stored_books()) == 30

    assert catalog_seed(tenant_id="tenant1", target=10, seed=0).created == 0  # already above it
    assert_counts_match_the_books()


def test_another_seed_adds_only_new_isbns(tenant):
    catalog_seed(tenant_id="tenant1", target=100, seed=1)
    result = catalog_seed(tenant_id="tenant1", target=150, seed=2)

    books = stored_books()
    isbns = [to_isbn13(b.isbn) for b in books]
    assert len(isbns) == len(set(isbns)) == 150
    assert result.created == 50
    assert result.skipped >= 68  # the curated core was already there
    assert_counts_match_the_books()


def test_seeded_books_are_claimed_listed_and_editable(tenant):
    catalog_seed(tenant_id="tenant1", target=30, seed=0)
    record = next(seed_records(count=1, seed=0))

    claim = UniqueKey.get(isbn_claim_key(tenant_id="tenant1", isbn=record["isbn"]))
    book = Book.get(Book.key("tenant1", claim.owner_id), Book.SORT_KEY)
    assert (book.title, book.version) == (record["title"], 1)
    assert len(books_list(tenant_id="tenant1", filters=BookFilters(), limit=100).items) == 30
    assert book_update(tenant_id="tenant1", book_id=book.book_id, version=1, stock_quantity=1).version == 2


def test_seeding_skips_an_isbn_already_added_through_the_api(tenant):
    record = next(seed_records(count=1, seed=0))
    book_create(
        tenant_id="tenant1", isbn=record["isbn"], title="Mine", author="Me", category="Fiction", price=record["price"]
    )
    result = catalog_seed(tenant_id="tenant1", target=5, seed=0)
    assert (result.created, result.skipped, result.total) == (4, 1, 5)
    assert len(stored_books()) == 5
    assert_counts_match_the_books()


def test_seeding_an_unknown_tenant_fails_cleanly(emulator):
    with pytest.raises(CommandError, match="Tenant not found"):
        call_command("seed_catalog", tenant="nobody", target=5)
